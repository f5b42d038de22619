/* cmd_members.c - `e2e-chat members ROOM [--json]`, and /list in the
 * chat: who is in the room as this client sees it. Status: "admitted"
 * means in the signed state (not merely the relay's word); "pending"
 * waits for an admin; "banned" has keys the signed state bans;
 * "removed" left or was removed; "refused" has keys without a valid
 * admission MAC. "admin" marks the signed state's admins. Trust:
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
	if (wire_state_banned(&rf->state, &m->rec))
		return "banned";
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
	bool admin = m->in_state && wire_state_admin(&rf->state, m->rec.name);
	bool you = strcmp(m->rec.name, rf->me) == 0;
	json_t *j;
	char *text;
	size_t len;

	if (!c->json) {
		display_safe(stdout, m->rec.name, strlen(m->rec.name));
		printf("\t%s\t%s%s%s\n", members_status(rf, m), members_trust(rf, m), admin ? "\tadmin" : "",
		       you ? "\tyou" : "");
		return;
	}
	j = json_pack("{s:s, s:s, s:s, s:b, s:b}", "name", m->rec.name, "status", members_status(rf, m),
		      "trust", members_trust(rf, m), "admin", admin, "you", you);
	text = j ? wire_dump(j, &len) : NULL;
	if (text)
		printf("%s\n", text);
	free(text);
	json_decref(j);
}

/* Where the relay's word contradicts the signed state, say so: the
 * signed state is what this client goes by. */
void members_check(const struct roomfile *rf, const struct listed_member *m)
{
	const struct wire_member *signed_keys = wire_state_find(&rf->state, m->rec.name);
	char a[FINGERPRINT_LEN] = "?", b[FINGERPRINT_LEN] = "?";

	if (signed_keys && !m->in_state) {
		fingerprint_member(a, signed_keys);
		fingerprint_member(b, &m->rec);
		security_warn("room %s: the relay lists %s with other keys (fingerprint %s) than the "
			      "signed state (%s); the signed keys stay", rf->room, m->rec.name, b, a);
	} else if (signed_keys && m->relay_status == WIRE_REMOVED) {
		security_warn("room %s: the relay says %s left or was removed, but the signed state "
			      "still has %s", rf->room, m->rec.name, m->rec.name);
	} else if (!signed_keys && m->relay_status == WIRE_ADMITTED) {
		security_warn("room %s: the relay lists %s as admitted, but %s is not in the "
			      "signed state", rf->room, m->rec.name, m->rec.name);
	}
}

static const struct listed_member *listed(const struct listed_member *list, size_t n,
					  const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i].rec.name, name) == 0)
			return &list[i];
	return NULL;
}

/* The members come from the signed state, whatever the relay lists: one
 * it leaves out still holds the room's keys, so it is shown (and the
 * omission said). The relay's list only adds those not in the state:
 * pending joiners, and what it says of others. */
enum status members_show(struct client *c, struct roomfile *rf)
{
	struct listed_member *list = NULL;
	size_t n = 0;
	enum status st = roomsync_members(c, rf, &list, &n);

	for (size_t i = 0; st == ST_OK && i < rf->state.n_members; i++) {
		const struct wire_member *m = &rf->state.members[i];
		const struct listed_member *l = listed(list, n, m->name);
		struct listed_member own = {.rec = *m, .relay_status = WIRE_ADMITTED,
					    .in_state = true, .mac_ok = true, .keys_ok = true};

		if (!l)
			security_warn("room %s: the relay's member list leaves out %s, who is in the "
				      "signed state and holds the room's keys", rf->room, m->name);
		else
			members_check(rf, l);
		print_member(c, rf, &own);
	}
	for (size_t i = 0; st == ST_OK && i < n; i++) {
		if (wire_state_find(&rf->state, list[i].rec.name))
			continue;
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
