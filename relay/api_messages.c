/* api_messages.c - the message resource: POST /v1/rooms/ROOM/messages
 * stores an admitted member's ciphertext (sender from the token, counter
 * above its last, epoch not above the current) and wakes the room's
 * long-polling readers; GET reads them in seq order with `after` and
 * `limit`, and with `wait` parks the request until there is something to
 * read or the wait is over. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "proto.h"

/* The room and the admitted member the token belongs to. */
static enum e2e_err messages_member(const struct api_env *env, struct http_req *rq,
				    const char *room, const struct api_token *t,
				    struct authcache_who *who)
{
	enum e2e_err err = api_member_cached_token(env, rq, room, t, who);

	if (err == E2E_OK && !who->m.admitted)
		err = E2E_ERR_NOT_ADMITTED;
	return err;
}

/* A poster: an admitted member of a room that takes writes. */
static enum e2e_err messages_poster(const struct api_env *env, struct http_req *rq,
				    const char *room, struct authcache_who *who,
				    struct api_res *res)
{
	struct api_token t;
	enum e2e_err err;

	api_token_read(rq, &t);
	err = messages_member(env, rq, room, &t, who);

	if (err == E2E_OK)
		err = api_room_writable(&who->r, res);
	return err;
}

/* The posted message, its epoch not above the room's `epoch`. */
static enum e2e_err messages_unpack(struct http_req *rq, uint64_t epoch, struct wire_msg *m,
				    struct api_res *res)
{
	json_t *root = NULL;
	enum e2e_err err = api_body(rq, &root, res);

	if (err == E2E_OK)
		err = api_version(root, res);
	if (err == E2E_OK)
		err = wire_msg_unpack(root, m, false, &res->jerr);
	if (err == E2E_OK && m->epoch > epoch)
		err = api_fail(res, E2E_ERR_BAD_FIELD, "epoch: above the current %llu",
			       (unsigned long long)epoch);
	json_decref(root);
	return err;
}

/* A post on its way through the group committer, kept with the request
 * while it is parked. */
struct messages_post {
	struct committer_job job;
	struct wire_msg m;
};

/* The reply for a stored (or refused) message. A refused counter is
 * detailed with the member's last one as stored now (the one read with
 * the token may be older: see api_member_cached). */
static enum e2e_err messages_posted(const struct api_env *env, enum e2e_err err,
				    int64_t room_id, const struct wire_msg *m,
				    struct api_res *res)
{
	struct store_member me = {0};

	if (err == E2E_OK)
		metrics_message(env->m);
	if (err == E2E_ERR_COUNTER && store_member_get(env->st, room_id, m->sender, &me) == E2E_OK)
		api_fail(res, err, "counter: must be above %llu",
			 (unsigned long long)me.last_counter);
	if (err == E2E_OK)
		err = api_ok(res, 201, json_pack("{s:I}", "seq", (json_int_t)m->seq));
	return err;
}

/* Hand the message to the group committer and park until it is stored:
 * api_messages_posted answers. */
static void messages_commit_later(const struct api_env *env, struct http_req *rq,
				  struct messages_post *p, int64_t room_id, struct api_res *res)
{
	p->job = (struct committer_job){.room_id = room_id, .m = &p->m, .done = http_resume,
					.arg = rq};
	http_set_state(rq, p, free);
	http_suspend(rq, false);
	if (!committer_submit(env->c, &p->job)) { /* stopping */
		p->job.err = E2E_ERR_INTERNAL;
		http_resume(rq);
	}
	res->parked = true;
}

/* Inline commit, without a group committer (the fuzz harness). */
static enum e2e_err messages_commit_now(const struct api_env *env, struct messages_post *p,
					int64_t room_id, struct api_res *res)
{
	/* the store wakes the room's readers after the commit */
	enum e2e_err err = store_msg_add(env->st, room_id, &p->m);

	err = messages_posted(env, err, room_id, &p->m, res);
	free(p);
	return err;
}

enum e2e_err api_messages_post(const struct api_env *env, struct http_req *rq,
			       const char *room, struct api_res *res)
{
	struct messages_post *p;
	struct authcache_who who;
	enum e2e_err err;

	/* 25 KiB, not on the stack; not zeroed: wire_msg_unpack sets every
	 * field, and of the ciphertext only the ct_len bytes it decoded are
	 * ever read */
	p = malloc(sizeof(*p));
	err = p != NULL ? E2E_OK : E2E_ERR_INTERNAL;
	if (err == E2E_OK)
		err = messages_poster(env, rq, room, &who, res);
	if (err == E2E_OK)
		err = messages_unpack(rq, who.epoch, &p->m, res);
	if (err != E2E_OK) {
		free(p);
		return err;
	}
	memcpy(p->m.sender, who.m.rec.name, sizeof(p->m.sender));
	p->m.received_at = api_now();
	if (env->c == NULL)
		return messages_commit_now(env, p, who.r.id, res);
	messages_commit_later(env, rq, p, who.r.id, res);
	return E2E_OK;
}

enum e2e_err api_messages_posted(const struct api_env *env, struct http_req *rq,
				 const char *room, struct api_res *res)
{
	struct messages_post *p = http_state(rq); /* the committer is done with it */

	(void)room;
	res->unavailable = p->job.unavailable;
	return messages_posted(env, p->job.err, p->job.room_id, &p->m, res);
}

static enum e2e_err messages_add(void *ctx, const struct wire_msg *m)
{
	json_t *list = ctx;
	json_t *rec = wire_msg_pack(m, true);

	/* the array takes the reference, also when appending fails */
	return rec != NULL && json_array_append_new(list, rec) == 0 ? E2E_OK
								 : E2E_ERR_INTERNAL;
}

/* The end of a wait of `wait_s` seconds from the request's arrival
 * (the same on every re-run of a parked request). */
static struct timespec messages_deadline(struct http_req *rq, uint64_t wait_s)
{
	struct timespec d = *http_started(rq);

	d.tv_sec += (time_t)wait_s;
	return d;
}

static bool messages_expired(const struct timespec *deadline)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec > deadline->tv_sec ||
	       (now.tv_sec == deadline->tv_sec && now.tv_nsec >= deadline->tv_nsec);
}

struct messages_query {
	uint64_t after;
	uint64_t limit;
	uint64_t wait;
};

/* A long-poll while it waits: what it asked and whose token it carries,
 * kept with the request, so that the wake-up (api_messages_woken) neither
 * parses the request nor hashes the token again. The member is still
 * checked again then, as the whole handler did before: on a database of
 * its own a removal while it waited counts at once; on a shared
 * PostgreSQL, once the removal's commit has reached this relay (the
 * membership version read for this request may be reused until the
 * room's next wake-up: authcache.h). */
struct messages_wait {
	struct api_token token;
	struct messages_query q;
	char room[E2E_ROOM_NAME_MAX + 1];
};

/* Nothing to read yet and time left: park until the room gets a message
 * or the deadline, keeping what the wake-up needs (made on the first
 * park only). A refused park (a message was committed since the room
 * version was taken) resumes at once, and the wake-up reads it. */
static enum e2e_err messages_park(const struct api_env *env, struct http_req *rq,
				  const char *room, const struct api_token *t,
				  const struct messages_query *q, int64_t room_id,
				  uint64_t room_version, const struct timespec *deadline,
				  struct api_res *res)
{
	struct messages_wait *w = http_state(rq);

	if (w == NULL) {
		w = malloc(sizeof(*w));
		if (w == NULL)
			return E2E_ERR_INTERNAL;
		*w = (struct messages_wait){.token = *t, .q = *q};
		snprintf(w->room, sizeof(w->room), "%s", room);
		http_set_state(rq, w, free);
	}
	http_suspend(rq, true);
	if (!waiters_park(env->w, room_id, room_version, q->after, deadline, http_resume, rq))
		http_resume(rq);
	res->parked = true;
	return E2E_OK;
}

static enum e2e_err messages_args(struct http_req *rq, struct messages_query *q,
				  struct api_res *res)
{
	enum e2e_err err = api_query_uint(rq, "after", 0, 0, INT64_MAX, &q->after, res);

	if (err == E2E_OK)
		err = api_query_uint(rq, "limit", E2E_READ_DEFAULT, 1, E2E_READ_MAX, &q->limit, res);
	if (err == E2E_OK)
		err = api_query_uint(rq, "wait", 0, 0, E2E_WAIT_MAX, &q->wait, res);
	return err;
}

/* Reply with `list`, and keep the encoded reply for the readers that
 * ask the same question before the room changes. */
static enum e2e_err messages_reply(const struct api_env *env,
				   const struct replycache_key *key, json_t *list,
				   struct api_res *res)
{
	json_t *body = json_pack("{s:O}", "messages", list);
	char *text = body != NULL ? json_dumps(body, JSON_COMPACT) : NULL;
	size_t n = text != NULL ? strlen(text) : 0;

	json_decref(body);
	if (text == NULL)
		return E2E_ERR_INTERNAL;
	text[n] = '\n'; /* over the NUL, as every JSON reply */
	if (json_array_size(list) > 0)
		replycache_put(env->rc, key, text, n + 1);
	*res = (struct api_res){.status = 200, .text = text, .text_len = n + 1,
				.text_type = "application/json"};
	return E2E_OK;
}

/* The messages of `key` into list. A reader re-arming its long-poll asks
 * after the newest message: when that is known to find nothing, the
 * store is not asked again until the room's next commit. */
static enum e2e_err messages_read(const struct api_env *env, const struct replycache_key *key,
				  json_t *list)
{
	enum e2e_err err;

	if (replycache_empty(env->rc, key))
		return E2E_OK;
	err = store_msgs_each(env->st, key->room_id, key->after, (unsigned)key->limit,
			      messages_add, list);
	if (err == E2E_OK && json_array_size(list) == 0)
		replycache_put_empty(env->rc, key);
	return err;
}

/* The answer to `q` for the member `t`, `who` in `room`: the messages,
 * or a park until there are some (first run and wake-ups alike). */
static enum e2e_err messages_answer(const struct api_env *env, struct http_req *rq,
				    const char *room, const struct api_token *t,
				    const struct authcache_who *who,
				    const struct messages_query *q, struct api_res *res)
{
	struct replycache_key key;
	struct timespec deadline;
	json_t *list = NULL;
	enum e2e_err err = E2E_OK;

	/* the room version before the query: see waiters.h */
	key = (struct replycache_key){who->r.id, q->after, q->limit,
				      waiters_room_version(env->w, who->r.id)};
	res->text = replycache_get(env->rc, &key, &res->text_len);
	if (res->text != NULL) { /* another reader just asked the same */
		res->status = 200;
		res->text_type = "application/json";
		goto done;
	}
	list = json_array();
	err = list != NULL ? messages_read(env, &key, list) : E2E_ERR_INTERNAL;
	deadline = messages_deadline(rq, q->wait);
	if (err == E2E_OK && json_array_size(list) == 0 && q->wait > 0 &&
	    !messages_expired(&deadline) && !waiters_closing(env->w))
		err = messages_park(env, rq, room, t, q, who->r.id, key.room_version, &deadline,
				    res);
	else if (err == E2E_OK)
		err = messages_reply(env, &key, list, res);
done:
	json_decref(list);
	return err;
}

enum e2e_err api_messages_list(const struct api_env *env, struct http_req *rq,
			       const char *room, struct api_res *res)
{
	struct authcache_who who;
	struct messages_query q = {0};
	struct api_token t;
	enum e2e_err err;

	api_token_read(rq, &t);
	err = messages_member(env, rq, room, &t, &who);
	if (err == E2E_OK)
		err = messages_args(rq, &q, res);
	if (err == E2E_OK)
		err = messages_answer(env, rq, room, &t, &who, &q, res);
	return err;
}

enum e2e_err api_messages_woken(const struct api_env *env, struct http_req *rq,
				const char *room, struct api_res *res)
{
	const struct messages_wait *w = http_state(rq);
	struct authcache_who who;
	enum e2e_err err = messages_member(env, rq, w->room, &w->token, &who);

	(void)room;
	if (err == E2E_OK)
		err = messages_answer(env, rq, w->room, &w->token, &who, &w->q, res);
	return err;
}
