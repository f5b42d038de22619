/* transcript.c - one function per signed or MAC'd byte string; the
 * labels and field orders here are the ones docs/PROTOCOL.md lists. */
#include <string.h>
#include <sodium.h>

#include "transcript.h"

/* Room and member names, keys and nonces: a generous fixed bound. */
#define SMALL_CAP 512

static void put_room(struct canon *c, const struct wire_roomref *room)
{
	canon_str(c, room->name);
	canon_bytes(c, room->id, E2E_ROOM_ID_BYTES);
}

static struct canon *finish(struct canon *c)
{
	size_t len;

	if (c && !canon_data(c, &len)) {
		canon_free(c);
		return NULL;
	}
	return c;
}

struct canon *transcript_member(const struct wire_roomref *room, const struct wire_member *m)
{
	struct canon *c = canon_new("e2e-chat/v2/member", SMALL_CAP);

	if (!c)
		return NULL;
	put_room(c, room);
	canon_str(c, m->name);
	canon_bytes(c, m->sign_pk, sizeof m->sign_pk);
	canon_bytes(c, m->box_pk, sizeof m->box_pk);
	return finish(c);
}

struct canon *transcript_join(const struct wire_roomref *room, const uint8_t nonce[E2E_NONCE_BYTES],
			      const struct wire_member *m)
{
	struct canon *c = canon_new("e2e-chat/v2/join", SMALL_CAP);

	if (!c)
		return NULL;
	put_room(c, room);
	canon_bytes(c, nonce, E2E_NONCE_BYTES);
	canon_str(c, m->name);
	canon_bytes(c, m->sign_pk, sizeof m->sign_pk);
	canon_bytes(c, m->box_pk, sizeof m->box_pk);
	return finish(c);
}

struct canon *transcript_state(const uint8_t *payload, size_t len)
{
	struct canon *c = canon_new("e2e-chat/v2/state", SMALL_CAP + len);

	if (!c)
		return NULL;
	canon_bytes(c, payload, len);
	return finish(c);
}

bool transcript_state_hash(uint8_t out[E2E_HASH_BYTES], const uint8_t *payload, size_t len)
{
	struct canon *c = transcript_state(payload, len);
	const uint8_t *data = c ? canon_data(c, &len) : NULL;
	bool ok = data && crypto_generichash(out, E2E_HASH_BYTES, data, len, NULL, 0) == 0;

	canon_free(c);
	return ok;
}

struct canon *transcript_wrap(const struct wire_roomref *room, const struct wire_wrap *w,
			      const uint8_t recipient_box_pk[E2E_BOX_PK_BYTES])
{
	struct canon *c = canon_new("e2e-chat/v2/wrap", SMALL_CAP);

	if (!c)
		return NULL;
	put_room(c, room);
	canon_u64(c, w->epoch);
	canon_str(c, w->member);
	canon_str(c, w->by);
	canon_bytes(c, recipient_box_pk, E2E_BOX_PK_BYTES);
	canon_bytes(c, w->nonce, sizeof w->nonce);
	canon_bytes(c, w->box, sizeof w->box);
	return finish(c);
}

struct canon *transcript_msg_ad(const struct wire_roomref *room, const char *sender,
				uint64_t epoch, uint64_t counter)
{
	struct canon *c = canon_new("e2e-chat/v2/msg", SMALL_CAP);

	if (!c)
		return NULL;
	put_room(c, room);
	canon_str(c, sender);
	canon_u64(c, epoch);
	canon_u64(c, counter);
	return finish(c);
}

struct canon *transcript_msg_sig(const struct canon *ad, const uint8_t *nonce,
				 const uint8_t *ct, size_t ct_len)
{
	size_t ad_len;
	const uint8_t *ad_bytes = canon_data(ad, &ad_len);
	struct canon *c;

	if (!ad_bytes)
		return NULL;
	c = canon_new("e2e-chat/v2/msg-sig", SMALL_CAP + ad_len + ct_len);
	if (!c)
		return NULL;
	canon_bytes(c, ad_bytes, ad_len);
	canon_bytes(c, nonce, E2E_AEAD_NONCE_BYTES);
	canon_bytes(c, ct, ct_len);
	return finish(c);
}
