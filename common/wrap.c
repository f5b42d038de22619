/* wrap.c - sealing and opening session-key wraps. */
#include <stdio.h>
#include <string.h>

#include "sign.h"
#include "transcript.h"
#include "verify.h"
#include "wrap.h"

bool wrap_seal(struct wire_wrap *w, const struct wire_roomref *room, uint64_t epoch,
	       const uint8_t key[E2E_KEY_BYTES], const struct wire_member *recipient,
	       const char *by, const struct identity *admin)
{
	memcpy(w->member, recipient->name, sizeof w->member);
	snprintf(w->by, sizeof w->by, "%s", by);
	w->epoch = epoch;
	randombytes_buf(w->nonce, sizeof w->nonce);
	if (crypto_box_easy(w->box, key, E2E_KEY_BYTES, w->nonce, recipient->box_pk,
			    admin->box_sk) != 0)
		return false;
	return sign_transcript(w->sig, admin->sign_sk, transcript_wrap(room, w, recipient->box_pk));
}

bool wrap_open(uint8_t key[E2E_KEY_BYTES], const struct wire_wrap *w,
	       const struct wire_roomref *room, const struct identity *me,
	       const struct wire_member *admin)
{
	/* The signature covers the recipient's box key as well as its name,
	 * so a wrap made for another key of "me" does not verify. */
	if (!verify_transcript(w->sig, admin->sign_pk, transcript_wrap(room, w, me->box_pk)) ||
	    crypto_box_open_easy(key, w->box, sizeof w->box, w->nonce, admin->box_pk,
				 me->box_sk) != 0) {
		sodium_memzero(key, E2E_KEY_BYTES);
		return false;
	}
	return true;
}
