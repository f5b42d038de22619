/* test_store.c - the client's local store (client/store.c) on a real
 * SQLite file in a temporary directory: mode 0600; texts sealed at rest
 * (not in the file in clear, unreadable under another identity); one
 * trusted row per (sender, key, counter); records found by place; tails
 * in order; the cursor; `seen` never goes down; the outbox's order and
 * bookkeeping; a room's reset; a store from a newer schema refused. */
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "store.h"

static char dir[] = "/tmp/test_store.XXXXXX";

static struct identity *identity(uint8_t fill)
{
	struct identity *id = sodium_malloc(sizeof *id);

	memset(id, fill, sizeof *id);
	return id;
}

static void msg(struct store_msg *m, uint64_t seq, const char *sender, uint64_t counter,
		const char *text)
{
	memset(m, 0, sizeof *m);
	m->seq = seq;
	m->epoch = 1;
	m->counter = counter;
	m->kind = STORE_SHOWN;
	m->trusted = true;
	snprintf(m->sender, sizeof m->sender, "%s", sender);
	memset(m->sign_pk, sender[0], sizeof m->sign_pk);
	memset(m->record, (int)(seq & 0xff), sizeof m->record);
	m->text_len = strlen(text);
	memcpy(m->text, text, m->text_len + 1);
}

static bool file_holds(const char *path, const char *needle)
{
	FILE *f = fopen(path, "rb");
	static char buf[1 << 20];
	size_t n = f ? fread(buf, 1, sizeof buf, f) : 0;

	if (f)
		fclose(f);
	return memmem(buf, n, needle, strlen(needle)) != NULL;
}

struct texts {
	int n;
	char all[256];
};

static void collect(const struct store_msg *m, void *ctx)
{
	struct texts *t = ctx;

	size_t used = strlen(t->all);

	t->n++;
	snprintf(t->all + used, sizeof t->all - used, "%s|", m->text);
}

static void test_messages(struct store *s, int64_t room)
{
	struct store_msg m;
	struct texts t = {0};
	uint8_t rec[E2E_HASH_BYTES], pk[E2E_SIGN_PK_BYTES];
	uint64_t seq = 0, count = 0, counter = 0;
	int64_t last = 0, third = 0;
	bool found;
	enum store_kind kind;

	msg(&m, 5, "bob", 1, "the first secret line");
	CHECK(store_add(s, room, &m) && m.id > 0);
	msg(&m, 9, "bob", 2, "second");
	CHECK(store_add(s, room, &m));
	msg(&m, 12, "carol", 1, "third");
	CHECK(store_add(s, room, &m));
	third = m.id;
	msg(&m, 13, "bob", 2, "a different text under bob's counter 2");
	CHECK(!store_add(s, room, &m)); /* one trusted row per counter */
	m.trusted = false;                 /* refused rows are not keyed */
	m.kind = STORE_REFUSED;
	CHECK(store_add(s, room, &m));

	memset(pk, 'b', sizeof pk);
	CHECK(store_lookup(s, room, "bob", pk, 2, &found, &seq, rec) && found && seq == 9);
	CHECK(rec[0] == 9);
	CHECK(store_lookup(s, room, "bob", pk, 3, &found, &seq, rec) && !found);
	CHECK(store_last_of(s, room, "bob", pk, &found, &counter, rec, &kind) && found &&
	      counter == 2 && kind == STORE_SHOWN);
	memset(rec, 12, sizeof rec);
	CHECK(store_has_record(s, room, 12, rec, &found) && found);
	CHECK(store_has_record(s, room, 13, rec, &found) && !found);

	CHECK(store_each(s, room, STORE_VISIBLE, 0, 0, collect, &t));
	CHECK(t.n == 3 && strcmp(t.all, "the first secret line|second|third|") == 0);
	t = (struct texts){0};
	CHECK(store_each(s, room, STORE_VISIBLE, 0, 2, collect, &t));
	CHECK(t.n == 2 && strcmp(t.all, "second|third|") == 0);
	/* a page of the scrollback: the newest before an id, oldest first */
	t = (struct texts){0};
	CHECK(store_each_before(s, room, STORE_VISIBLE, third, 1, collect, &t));
	CHECK(t.n == 1 && strcmp(t.all, "second|") == 0);
	t = (struct texts){0};
	CHECK(store_each_before(s, room, STORE_VISIBLE, third, 10, collect, &t));
	CHECK(t.n == 2 && strcmp(t.all, "the first secret line|second|") == 0);
	t = (struct texts){0};
	CHECK(store_each_before(s, room, STORE_VISIBLE, 0, 2, collect, &t));
	CHECK(t.n == 2 && strcmp(t.all, "second|third|") == 0);
	t = (struct texts){0};
	CHECK(store_each_before(s, room, STORE_VISIBLE, 1, 5, collect, &t) && t.n == 0);
	CHECK(store_count(s, room, STORE_VISIBLE, 0, &count, &last) && count == 3);
	CHECK(store_count(s, room, STORE_KIND(STORE_REFUSED), 0, &count, &last) && count == 1);
}

static void test_cursor_and_outbox(struct store *s, int64_t room)
{
	struct store_cursor c = {0};
	struct store_out *o = calloc(1, sizeof *o);
	uint64_t n = 0, counter = 0;
	uint8_t rec[E2E_HASH_BYTES];
	bool found;

	CHECK(store_cursor_get(s, room, &c) && c.fetched == 0 && c.seen == 0);
	c = (struct store_cursor){.fetched = 13, .probe_after = 9, .probed_ms = 77};
	CHECK(store_cursor_set(s, room, &c));
	CHECK(store_mark_seen(s, room, 3) && store_mark_seen(s, room, 2));
	CHECK(store_cursor_get(s, room, &c) && c.fetched == 13 && c.probe_after == 9 &&
	      c.probed_ms == 77 && c.seen == 3);

	for (uint64_t i = 3; i >= 2; i--) {
		o->counter = i;
		memset(o->record, (int)i, sizeof o->record);
		snprintf(o->body, sizeof o->body, "{\"counter\":%llu}", (unsigned long long)i);
		o->text_len = (size_t)snprintf(o->text, sizeof o->text, "queued %llu",
					       (unsigned long long)i);
		CHECK(store_outbox_add(s, room, o));
	}
	CHECK(!store_outbox_add(s, room, o)); /* a counter is queued once */
	CHECK(store_outbox_count(s, room, &n) && n == 2);
	CHECK(store_outbox_last(s, room, &found, &counter, rec) && found && counter == 3);
	CHECK(store_outbox_attempted(s, room, 2));
	memset(o, 0, sizeof *o);
	CHECK(store_outbox_first(s, room, o, &found) && found && o->counter == 2 &&
	      o->attempts == 1 && strcmp(o->body, "{\"counter\":2}") == 0 &&
	      strcmp(o->text, "queued 2") == 0);
	CHECK(store_outbox_remove(s, room, 2));
	CHECK(store_outbox_first(s, room, o, &found) && found && o->counter == 3);
	free(o);

	/* the state history: one row per revision, kept as signed */
	memset(rec, 7, sizeof rec);
	CHECK(store_add_state(s, room, 1, 1, (const uint8_t *)"{\"r\":1}", 7, (uint8_t[64]){1}, 1000));
	CHECK(store_add_state(s, room, 1, 1, (const uint8_t *)"{\"r\":1}", 7, (uint8_t[64]){1}, 1000));
	CHECK(store_add_state(s, room, 2, 2, (const uint8_t *)"{\"r\":2}", 7, (uint8_t[64]){2}, 2000));
	CHECK(store_count_states(s, room, &n) && n == 2);
}

int main(void)
{
	struct identity *id, *other;
	struct store *s, *t;
	struct texts seen = {0};
	char path[128], err[256];
	struct stat st;
	int64_t room = 0, room2 = 0;
	uint64_t states = 1;
	sqlite3 *db;

	if (sodium_init() < 0 || !mkdtemp(dir))
		return 1;
	id = identity(1);
	other = identity(2);
	snprintf(path, sizeof path, "%s/store.db", dir);
	s = store_open(dir, id, err, sizeof err);
	if (!CHECK(s != NULL))
		return check_summary("test_store");
	CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600);
	CHECK(store_room(s, "http://127.0.0.1:8000", "den", &room) && room > 0);
	CHECK(store_room(s, "http://127.0.0.1:8000", "den", &room2) && room2 == room);
	CHECK(store_room(s, "http://127.0.0.1:8000", "yard", &room2) && room2 != room);
	test_messages(s, room);
	test_cursor_and_outbox(s, room);
	store_close(s);
	CHECK(!file_holds(path, "the first secret line") && !file_holds(path, "queued 3"));

	/* another identity: the store opens, its texts do not (each row is
	 * skipped, none is shown), and a queued message is damaged */
	t = store_open(dir, other, err, sizeof err);
	CHECK(t != NULL && store_each(t, room, STORE_VISIBLE, 0, 0, collect, &seen));
	CHECK(seen.n == 0);
	if (t) {
		struct store_out *o = calloc(1, sizeof *o);
		bool found = false;

		CHECK(store_outbox_first(t, room, o, &found) && found && o->damaged);
		free(o);
	}
	store_close(t);

	s = store_open(dir, id, err, sizeof err);
	CHECK(s && store_room_reset(s, room) &&
	      store_each(s, room, ~0u, 0, 0, collect, &seen) && seen.n == 0);
	CHECK(s && store_count_states(s, room, &states) && states == 0);
	store_close(s);

	/* written by a newer version: refused, in words */
	CHECK(sqlite3_open(path, &db) == SQLITE_OK &&
	      sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL,
			   NULL) == SQLITE_OK);
	sqlite3_close(db);
	CHECK(store_open(dir, id, err, sizeof err) == NULL && strstr(err, "newer") != NULL);

	sodium_free(id);
	sodium_free(other);
	snprintf(path, sizeof path, "rm -rf '%s'", dir);
	CHECK(system(path) == 0);
	return check_summary("test_store");
}
