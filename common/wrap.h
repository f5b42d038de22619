/* wrap.h - a session key wrapped for one member: crypto_box_easy from the
 * creator's X25519 key to the member's, signed by the creator's Ed25519
 * key over room, epoch and recipient (docs/PROTOCOL.md, "Wrap"). */
#ifndef E2E_WRAP_H
#define E2E_WRAP_H

#include <stdbool.h>

#include "identity.h"
#include "wire.h"

/* Fill `w` with `key` (epoch `epoch`) wrapped for `recipient`. */
bool wrap_seal(struct wire_wrap *w, const char *room, uint64_t epoch,
	       const uint8_t key[E2E_KEY_BYTES], const struct wire_member *recipient,
	       const struct identity *creator);

/* Check the creator's signature, then open the box into `key`. False on
 * any failure, with `key` wiped. */
bool wrap_open(uint8_t key[E2E_KEY_BYTES], const struct wire_wrap *w, const char *room,
	       const struct identity *me, const struct wire_member *creator);

#endif
