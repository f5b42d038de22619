/* transcript.h - the exact byte strings that are signed or MAC'd, one
 * function per purpose, each with its own domain label (see canon.h and
 * docs/PROTOCOL.md). Shared so that signer and verifier cannot disagree. */
#ifndef E2E_TRANSCRIPT_H
#define E2E_TRANSCRIPT_H

#include "canon.h"
#include "wire.h"

/* Every transcript but the state's starts with the room's name and
 * identifier (the state's payload holds both). */
struct canon *transcript_member(const struct wire_roomref *room, const struct wire_member *m);
struct canon *transcript_join(const struct wire_roomref *room,
			      const uint8_t nonce[E2E_NONCE_BYTES], const struct wire_member *m);
struct canon *transcript_state(const uint8_t *payload, size_t len);
/* BLAKE2b-256 of the state transcript: names one signed state (messages
 * carry the hash of the state their sender held). */
bool transcript_state_hash(uint8_t out[E2E_HASH_BYTES], const uint8_t *payload, size_t len);
struct canon *transcript_wrap(const struct wire_roomref *room, const struct wire_wrap *w,
			      const uint8_t recipient_box_pk[E2E_BOX_PK_BYTES]);
/* The message's associated data, and what its sender signs. */
struct canon *transcript_msg_ad(const struct wire_roomref *room, const char *sender,
				uint64_t epoch, uint64_t counter);
struct canon *transcript_msg_sig(const struct canon *ad, const uint8_t *nonce,
				 const uint8_t *ct, size_t ct_len);

#endif
