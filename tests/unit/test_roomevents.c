/* test_roomevents.c - membership events from two signed states
 * (client/roomevents.c): joins, departures, new keys and a new epoch, in
 * that order; nothing for the first state held, for the same revision
 * again, or for an older one (a state the client would not accept). */
#include <string.h>

#include "check.h"
#include "roomevents.h"

#define EVENTS_MAX 8

struct seen {
	int n;
	enum room_event ev[EVENTS_MAX];
	char name[EVENTS_MAX][E2E_MEMBER_NAME_MAX + 1];
	uint64_t epoch[EVENTS_MAX];
};

static void record(void *ctx, enum room_event ev, const char *name, uint64_t epoch)
{
	struct seen *s = ctx;

	if (s->n == EVENTS_MAX)
		return;
	s->ev[s->n] = ev;
	strcpy(s->name[s->n], name ? name : "");
	s->epoch[s->n] = epoch;
	s->n++;
}

static struct wire_member member(const char *name, uint8_t key)
{
	struct wire_member m = {0};

	strcpy(m.name, name);
	memset(m.sign_pk, key, sizeof m.sign_pk);
	memset(m.box_pk, key + 1, sizeof m.box_pk);
	return m;
}

static struct wire_state state(uint64_t revision, uint64_t epoch, struct wire_member *m, size_t n)
{
	struct wire_state s = {.revision = revision, .epoch = epoch, .n_members = n, .members = m};

	strcpy(s.room, "den");
	strcpy(s.by, "alice");
	return s;
}

static bool is(const struct seen *s, int i, enum room_event ev, const char *name, uint64_t epoch)
{
	return i < s->n && s->ev[i] == ev && strcmp(s->name[i], name) == 0 && s->epoch[i] == epoch;
}

int main(void)
{
	struct wire_member two[] = {member("alice", 1), member("bob", 3)};
	struct wire_member three[] = {member("alice", 1), member("bob", 3), member("carol", 5)};
	struct wire_member kicked[] = {member("alice", 1), member("carol", 5)};
	struct wire_member rekeyed[] = {member("alice", 1), member("carol", 7)};
	struct wire_state none = {0}, s2 = state(2, 2, two, 2), s3 = state(3, 3, three, 3);
	struct wire_state s4 = state(4, 4, kicked, 2), s5 = state(5, 4, rekeyed, 2);
	struct seen seen = {0};

	roomevents_diff(&none, &s2, record, &seen); /* the first state: a start, not news */
	CHECK(seen.n == 0);
	roomevents_diff(&s2, &s3, record, &seen); /* carol admitted, epoch 3 */
	CHECK(seen.n == 2 && is(&seen, 0, ROOM_JOINED, "carol", 3) &&
	      is(&seen, 1, ROOM_EPOCH, "", 3));
	seen.n = 0;
	roomevents_diff(&s3, &s4, record, &seen); /* bob removed, epoch 4 */
	CHECK(seen.n == 2 && is(&seen, 0, ROOM_DEPARTED, "bob", 4) &&
	      is(&seen, 1, ROOM_EPOCH, "", 4));
	seen.n = 0;
	roomevents_diff(&s4, &s5, record, &seen); /* carol's new keys, same epoch */
	CHECK(seen.n == 1 && is(&seen, 0, ROOM_REKEYED, "carol", 4));
	seen.n = 0;
	roomevents_diff(&s4, &s4, record, &seen); /* the same state again */
	roomevents_diff(&s5, &s3, record, &seen); /* an older one */
	CHECK(seen.n == 0);
	/* several changes at once: departures, then arrivals, then the epoch */
	roomevents_diff(&s2, &s5, record, &seen);
	CHECK(seen.n == 3 && is(&seen, 0, ROOM_DEPARTED, "bob", 4) &&
	      is(&seen, 1, ROOM_JOINED, "carol", 4) && is(&seen, 2, ROOM_EPOCH, "", 4));
	return check_summary("test_roomevents");
}
