CREATE TABLE "exercise_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"exercise_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"user_id" uuid,
	"type" text NOT NULL,
	"entry_kind" text,
	"turn" integer,
	"text" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "exercises" (
	"id" uuid PRIMARY KEY NOT NULL,
	"room_id" uuid NOT NULL,
	"mode" text NOT NULL,
	"topic" text,
	"state" jsonb,
	"outcome" text,
	"turns" integer DEFAULT 0 NOT NULL,
	"chunks" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"ended_at" timestamp with time zone,
	"closed_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "exercise_events" ADD CONSTRAINT "exercise_events_exercise_id_exercises_id_fk" FOREIGN KEY ("exercise_id") REFERENCES "public"."exercises"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "exercise_events" ADD CONSTRAINT "exercise_events_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "exercises" ADD CONSTRAINT "exercises_room_id_rooms_id_fk" FOREIGN KEY ("room_id") REFERENCES "public"."rooms"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "exercise_events_seq_key" ON "exercise_events" USING btree ("exercise_id","seq");--> statement-breakpoint
CREATE UNIQUE INDEX "exercises_one_open_per_room_key" ON "exercises" USING btree ("room_id") WHERE "exercises"."closed_at" is null;--> statement-breakpoint
CREATE INDEX "exercises_room_idx" ON "exercises" USING btree ("room_id","created_at");