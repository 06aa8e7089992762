import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";

/** Debian's Chromium, headless, with the flags this network needs (no background calls home). */
export async function launchChromium(): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  // Every page gets 15 s per action, so a stuck step fails with its own message.
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (...args: Parameters<Browser["newContext"]>): Promise<BrowserContext> => {
    const context = await newContext(...args);
    context.setDefaultTimeout(15_000);
    return context;
  };
  return browser;
}

/** A new browser context signed in as `person` (their session cookie), at `url`. */
export async function openAs(
  browser: Browser,
  person: { cookie: string },
  url: string,
  options: Parameters<Browser["newContext"]>[0] = {},
): Promise<Page> {
  const context = await browser.newContext(options);
  const [name, value] = person.cookie.split("=") as [string, string];
  await context.addCookies([{ name, value, domain: "localhost", path: "/" }]);
  const page = await context.newPage();
  // Any Content-Security-Policy violation on a page is recorded, for tests to check.
  await page.addInitScript(() => {
    const w = window as unknown as { __cspViolations: string[] };
    w.__cspViolations = [];
    document.addEventListener("securitypolicyviolation", (e) => w.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  await page.goto(url);
  return page;
}

/** A room opened as `person`, once both channels are connected (the status reads "Connected"). */
export async function openRoom(
  browser: Browser,
  baseUrl: string,
  person: { cookie: string },
  roomId: string,
  options: Parameters<Browser["newContext"]>[0] = {},
): Promise<Page> {
  const page = await openAs(browser, person, `${baseUrl}/rooms/${roomId}`, options);
  await page.getByTestId("connection").getByText("Connected", { exact: true }).waitFor();
  return page;
}
