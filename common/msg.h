/* msg.h - sealing and opening chat messages: XChaCha20-Poly1305 under the
 * epoch's session key with (room, sender, epoch, counter) as associated
 * data, then the sender's Ed25519 signature over the result. The sealed
 * plaintext is {"time": ms, "text": "...", "prev": chain hash, "state":
 * {"revision", "hash"}}, where
 * `prev` chains each message to its sender's previous one, so that a relay
 * dropping or reordering a sender's messages is noticed once a later one
 * arrives (docs/PROTOCOL.md, "Message").
 * Who the sender is, which key an epoch has, and counter order are the
 * caller's checks; this module only does the cryptography. */
#ifndef E2E_MSG_H
#define E2E_MSG_H

#include <stdbool.h>

#include "identity.h"
#include "wire.h"

enum msg_result {
	MSG_OK = 0,
	MSG_BAD_SIGNATURE, /* not signed by the claimed sender */
	MSG_BAD_CIPHERTEXT, /* does not decrypt under the epoch key */
	MSG_BAD_PLAINTEXT, /* decrypts, but is not a valid plaintext record */
	MSG_TOO_LONG,       /* text over E2E_TEXT_MAX (sealing) */
	MSG_BAD_TEXT,       /* text not UTF-8 or with a NUL byte (sealing) */
	MSG_FAILED,         /* allocation or internal failure */
};

struct msg_plain {
	int64_t time_ms;
	/* The room state its sender held: revision and state hash
	 * (transcript_state_hash), so a receiver sees a stale view. */
	uint64_t state_revision;
	uint8_t state_hash[E2E_HASH_BYTES];
	bool leave;                   /* a signed "I leave the room" (text empty) */
	uint8_t prev[E2E_HASH_BYTES]; /* the sender's previous message's chain hash */
	size_t text_len;
	char text[E2E_TEXT_MAX + 1]; /* NUL-terminated */
};

/* Seal `plain` into `m` (epoch and counter set; seq/sender left to the
 * relay). plain->text holds text_len bytes (NUL-terminated or not);
 * plain->state_revision is 1 to INT64_MAX (else MSG_FAILED). */
enum msg_result msg_seal(struct wire_msg *m, const struct wire_roomref *room, const char *sender,
			 uint64_t epoch, uint64_t counter, const uint8_t key[E2E_KEY_BYTES],
			 const struct identity *id, const struct msg_plain *plain);

/* A message's chain hash: BLAKE2b-256 over the transcript ("e2e-chat/v1/
 * chain", sig). The next message of the same sender carries it as `prev`;
 * a sender's first message carries all zeros. */
bool msg_chain_hash(uint8_t out[E2E_HASH_BYTES], const struct wire_msg *m);

/* Only m's signature, with `sender_sign_pk`: for a message whose epoch
 * key the reader does not hold (it still knows who sent it, and that the
 * counter is theirs). */
enum msg_result msg_verify(const struct wire_msg *m, const struct wire_roomref *room,
			   const uint8_t sender_sign_pk[E2E_SIGN_PK_BYTES]);

/* Verify m's signature with `sender_sign_pk` (sender name is m->sender),
 * then decrypt with `key`. */
enum msg_result msg_open(struct msg_plain *out, const struct wire_msg *m,
			 const struct wire_roomref *room,
			 const uint8_t sender_sign_pk[E2E_SIGN_PK_BYTES],
			 const uint8_t key[E2E_KEY_BYTES]);

const char *msg_result_str(enum msg_result r);

#endif
