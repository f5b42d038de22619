/* cmd_members.c - `e2e-chat members ROOM [--json]`, and /list in the
 * chat: who is in the room as this client sees it. Status: "admitted"
 * means in the creator-signed state with the listed keys (not merely the
 * relay's word); "pending" waits for the creator; "removed" left or was
 * removed; "refused" has keys without a valid admission MAC. Trust:
 * "verified" (you compared fingerprints), "unverified", or "KEYS-CHANGED"
 * (other keys than you first saw, until you accept them). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "display.h"
#include "fingerprint.h"

const char *members_status(const struct roomfile *rf, const struct listed_member *m)
{
	if (wire_state_find(&rf->state, m->rec.name))
		return "admitted"; /* the signed state decides, not the relay */
	if (m->relay_status == WIRE_REMOVED)
		return "removed";
	return m->mac_ok && m->keys_ok ? "pending" : "refused";
}

const char *members_trust(const struct roomfile *rf, const struct listed_member *m)
{
	const struct known_keys *k = roomfile_known(rf, m->rec.name);

	if (!m->in_state || !k)
		return "-";
	return k->changed ? "KEYS-CHANGED" : k->verified ? "verified" : "unverified";
}

static void print_member(const struct client *c, const struct roomfile *rf,
			 const struct listed_member *m)
{
	bool creator = strcmp(m->rec.name, rf->creator.name) == 0;
	bool you = strcmp(m->rec.name, rf->me) == 0;
	json_t *j;
	char *text;
	size_t len;

	if (!c->json) {
		display_safe(stdout, m->rec.name, strlen(m->rec.name));
		printf("\t%s\t%s%s%s\n", members_status(rf, m), members_trust(rf, m), creator ? "\tcreator" : "",
		       you ? "\tyou" : "");
		return;
	}
	j = json_pack("{s:s, s:s, s:s, s:b, s:b}", "name", m->rec.name, "status", members_status(rf, m),
		      "trust", members_trust(rf, m), "creator", creator, "you", you);
	text = j ? wire_dump(j, &len) : NULL;
	if (text)
		printf("%s\n", text);
	free(text);
	json_decref(j);
}

/* Where the relay's word contradicts the creator-signed state, say so:
 * the signed state is what this client goes by. */
void members_check(const struct roomfile *rf, const struct listed_member *m)
{
	const struct wire_member *signed_keys = wire_state_find(&rf->state, m->rec.name);
	char a[FINGERPRINT_LEN] = "?", b[FINGERPRINT_LEN] = "?";

	if (signed_keys && !m->in_state) {
		fingerprint_member(a, signed_keys);
		fingerprint_member(b, &m->rec);
		security_warn("room %s: the relay lists %s with other keys (fingerprint %s) than the "
			      "creator signed (%s); the signed keys stay", rf->room, m->rec.name, b, a);
	} else if (signed_keys && m->relay_status == WIRE_REMOVED) {
		security_warn("room %s: the relay says %s left or was removed, but the creator-signed "
			      "state still has %s", rf->room, m->rec.name, m->rec.name);
	} else if (!signed_keys && m->relay_status == WIRE_ADMITTED) {
		security_warn("room %s: the relay lists %s as admitted, but %s is not in the "
			      "creator-signed state", rf->room, m->rec.name, m->rec.name);
	}
}

enum status members_show(struct client *c, struct roomfile *rf)
{
	struct listed_member *list = NULL;
	size_t n = 0;
	enum status st = roomsync_members(c, rf, &list, &n);

	for (size_t i = 0; st == ST_OK && i < n; i++) {
		members_check(rf, &list[i]);
		print_member(c, rf, &list[i]);
	}
	fflush(stdout);
	free(list);
	return st;
}

enum status cmd_members(struct client *c, int argc, char **argv)
{
	struct roomfile *rf = NULL;
	enum status st = command_enter(c, argc, argv, 2, false, &rf);

	if (st == ST_OK)
		st = members_show(c, rf);
	roomfile_close(rf);
	return st;
}
