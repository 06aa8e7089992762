import { type Browser, type BrowserContext, chromium } from "playwright-core";

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
