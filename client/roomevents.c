/* roomevents.c - the difference between two room states (roomevents.h). */
#include <sodium.h>
#include <string.h>

#include "roomevents.h"

void roomevents_diff(const struct wire_state *before, const struct wire_state *now,
		     roomevents_fn fn, void *ctx)
{
	const struct wire_member *was;

	if (before->revision == 0 || now->revision <= before->revision)
		return;
	for (size_t i = 0; i < before->n_members; i++)
		if (!wire_state_find(now, before->members[i].name))
			fn(ctx, ROOM_DEPARTED, before->members[i].name, now->epoch);
	for (size_t i = 0; i < now->n_members; i++) {
		was = wire_state_find(before, now->members[i].name);
		if (!was)
			fn(ctx, ROOM_JOINED, now->members[i].name, now->epoch);
		else if (sodium_memcmp(was->sign_pk, now->members[i].sign_pk,
				       sizeof was->sign_pk) != 0 ||
			 sodium_memcmp(was->box_pk, now->members[i].box_pk,
				       sizeof was->box_pk) != 0)
			fn(ctx, ROOM_REKEYED, now->members[i].name, now->epoch);
	}
	if (now->epoch != before->epoch)
		fn(ctx, ROOM_EPOCH, NULL, now->epoch);
}
