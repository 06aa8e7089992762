CREATE TABLE "healing_ratings" (
	"room_id" uuid NOT NULL,
	"owner_id" uuid NOT NULL,
	"day" date NOT NULL,
	"safe" integer NOT NULL,
	"connected" integer NOT NULL,
	"note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "healing_ratings_room_id_owner_id_day_pk" PRIMARY KEY("room_id","owner_id","day")
);
--> statement-breakpoint
CREATE TABLE "healing_sharing" (
	"room_id" uuid NOT NULL,
	"owner_id" uuid NOT NULL,
	"shared_with" jsonb DEFAULT '[]'::jsonb NOT NULL,
	CONSTRAINT "healing_sharing_room_id_owner_id_pk" PRIMARY KEY("room_id","owner_id")
);
--> statement-breakpoint
CREATE TABLE "private_items" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"room_id" uuid NOT NULL,
	"owner_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"responds_to" uuid,
	"fields" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"shared_with" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "healing_ratings" ADD CONSTRAINT "healing_ratings_room_id_rooms_id_fk" FOREIGN KEY ("room_id") REFERENCES "public"."rooms"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "healing_ratings" ADD CONSTRAINT "healing_ratings_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "healing_sharing" ADD CONSTRAINT "healing_sharing_room_id_rooms_id_fk" FOREIGN KEY ("room_id") REFERENCES "public"."rooms"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "healing_sharing" ADD CONSTRAINT "healing_sharing_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "private_items" ADD CONSTRAINT "private_items_room_id_rooms_id_fk" FOREIGN KEY ("room_id") REFERENCES "public"."rooms"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "private_items" ADD CONSTRAINT "private_items_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "private_items_room_idx" ON "private_items" USING btree ("room_id","owner_id");