/* display.c - safe rendering of untrusted text. */
#include <inttypes.h>
#include <jansson.h>
#include <string.h>
#include <time.h>

#include "display.h"
#include "fingerprint.h"
#include "wire.h"

void display_safe(FILE *out, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;

	for (size_t i = 0; i < len; i++) {
		/* U+0080..U+009F (C1 controls) are 0xC2 0x80..0x9F in UTF-8. */
		if (p[i] == 0xC2 && i + 1 < len && p[i + 1] >= 0x80 && p[i + 1] <= 0x9F) {
			fputc('?', out);
			i++;
		} else if (p[i] < 0x20 || p[i] == 0x7F) {
			fputc(p[i] == '\t' ? ' ' : '?', out);
		} else {
			fputc(p[i], out);
		}
	}
}

static void json_line(FILE *out, const struct shown_msg *m)
{
	json_t *j = json_pack("{s:I, s:I, s:s, s:I, s:s%, s:b, s:b, s:b, s:b}", "seq",
			      (json_int_t)m->seq, "epoch", (json_int_t)m->epoch,
			      "sender", m->sender, "time", (json_int_t)m->time_ms,
			      "text", m->text, m->text_len, "mine", m->mine, "leave", m->leave,
			      "verified", m->verified, "keys_changed", m->keys_changed);
	size_t len = 0;
	char *text = j ? wire_dump(j, &len) : NULL;

	if (text)
		fprintf(out, "%s\n", text);
	free(text);
	json_decref(j);
}

void display_message(FILE *out, enum display_style style, const struct shown_msg *m)
{
	time_t t = (time_t)(m->time_ms / 1000);
	struct tm tm;
	char when[32] = "?";

	if (style == DISPLAY_JSON) {
		json_line(out, m);
		fflush(out);
		return;
	}
	if (localtime_r(&t, &tm))
		strftime(when, sizeof when, style == DISPLAY_CHAT ? "%H:%M:%S" : "%Y-%m-%d %H:%M:%S",
			 &tm);
	fprintf(out, "[%s] ", when);
	if (m->leave) {
		fputs("* ", out);
		display_safe(out, m->sender, strlen(m->sender));
		fputs(" left the room\n", out);
		fflush(out);
		return;
	}
	display_safe(out, m->sender, strlen(m->sender));
	/* Loud on purpose: the relay or the creator may be impersonating. */
	if (m->keys_changed)
		fputs(" [UNVERIFIED: keys changed]", out);
	fputs(": ", out);
	display_safe(out, m->text, m->text_len);
	fputc('\n', out);
	fflush(out);
}

void display_creator_event(const char *room, enum admin_event ev,
			   const struct wire_member *m, bool chat)
{
	char fp[FINGERPRINT_LEN] = "?";

	fingerprint_member(fp, m);
	switch (ev) {
	case ADMIN_ADMITTED:
		fprintf(stderr, "* admitted %s to %s (fingerprint %s)\n", m->name, room, fp);
		break;
	case ADMIN_DROPPED:
		fprintf(stderr, "* %s left or was removed from %s: new epoch, without them\n",
			m->name, room);
		break;
	case ADMIN_WAITING:
		if (chat)
			fprintf(stderr, "* %s asks to join %s (fingerprint %s): /approve %s or "
				"/deny %s\n", m->name, room, fp, m->name, m->name);
		else
			fprintf(stderr, "waiting: %s (fingerprint %s); admit with: e2e-chat admit "
				"%s %s\n", m->name, fp, room, m->name);
		break;
	}
}

void display_room_event(enum room_event ev, const char *name, uint64_t epoch, bool left)
{
	switch (ev) {
	case ROOM_JOINED:
		fprintf(stderr, "* %s joined\n", name);
		break;
	case ROOM_DEPARTED:
		fprintf(stderr, "* %s %s\n", name, left ? "left the room" : "was removed");
		break;
	case ROOM_REKEYED:
		fprintf(stderr, "* %s has new keys (see: e2e-chat verify ROOM %s)\n", name, name);
		break;
	case ROOM_EPOCH:
		fprintf(stderr, "* new epoch %llu\n", (unsigned long long)epoch);
		break;
	}
}
