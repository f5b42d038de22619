/* wrap.h - a session key wrapped for one member: crypto_box_easy from an
 * admin's X25519 key to the member's, signed by that admin's Ed25519 key
 * over room, epoch, recipient and admin (docs/PROTOCOL.md, "Wrap"). */
#ifndef E2E_WRAP_H
#define E2E_WRAP_H

#include <stdbool.h>

#include "identity.h"
#include "wire.h"

/* Fill `w` with `key` (epoch `epoch`) wrapped for `recipient` by the
 * admin named `by` whose identity is `admin`. */
bool wrap_seal(struct wire_wrap *w, const struct wire_roomref *room, uint64_t epoch,
	       const uint8_t key[E2E_KEY_BYTES], const struct wire_member *recipient,
	       const char *by, const struct identity *admin);

/* Check the signature of `admin` (the caller's trusted keys for w->by),
 * then open the box into `key`. False on any failure, with `key` wiped. */
bool wrap_open(uint8_t key[E2E_KEY_BYTES], const struct wire_wrap *w,
	       const struct wire_roomref *room, const struct identity *me,
	       const struct wire_member *admin);

#endif
