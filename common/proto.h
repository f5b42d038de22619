/* proto.h - protocol constants shared by relay and client: the version,
 * every size limit, and the Argon2id bounds. One place, so both sides
 * agree on what is valid and docs/PROTOCOL.md can quote it. */
#ifndef E2E_PROTO_H
#define E2E_PROTO_H

#include <sodium.h>

#define E2E_PROTO_VERSION 2

/* A room's identifier: random bytes its creator picks at creation and
 * every transcript binds (a room made again under the same name is
 * another room). */
#define E2E_ROOM_ID_BYTES 16

/* Names: room 1..64, member 1..32 characters of [A-Za-z0-9._-],
 * first character alphanumeric (see names.h). */
#define E2E_ROOM_NAME_MAX 64
#define E2E_MEMBER_NAME_MAX 32

/* Message text (UTF-8 bytes before encryption) and the ciphertext the
 * relay accepts: the text JSON-escaped (at most 6 bytes per byte, as
 * \u0001), its small envelope and the tag. */
#define E2E_TEXT_MAX 4096
#define E2E_CT_MAX (6 * E2E_TEXT_MAX + 128)

/* Members one room may hold; bounds the signed state payload. */
#define E2E_ROOM_MEMBERS_MAX 1000
/* Identities a room's signed state may ban. */
#define E2E_BANS_MAX E2E_ROOM_MEMBERS_MAX
/* Key wraps in one state post: a rotation wraps for every member, and a
 * newcomer to a room with shared history gets the past epochs' keys. */
#define E2E_WRAPS_MAX (2 * E2E_ROOM_MEMBERS_MAX)
/* Largest signed state payload (JSON bytes). */
#define E2E_STATE_MAX (256 * 1024)

/* Signed states per read of a room's state history (GET .../states). */
#define E2E_STATES_READ_MAX 64

/* Relay request bodies larger than this are refused with 413. */
#define E2E_BODY_MAX (1024 * 1024)

/* Messages per read: default and largest `limit`. */
#define E2E_READ_DEFAULT 100
#define E2E_READ_MAX 1000

/* Longest long-poll a read may ask for (`wait`, seconds): bounded so a
 * parked request always ends well inside any client's or proxy's timeout. */
#define E2E_WAIT_MAX 60

/* Join challenges: lifetime and how many may be outstanding per room. */
#define E2E_CHALLENGE_TTL 60
#define E2E_CHALLENGES_MAX 256

/* Argon2id parameters a room may carry. The floor protects a stolen
 * database (each guess costs at least this much); the ceiling stops a
 * hostile relay from making clients allocate without bound. */
#define E2E_KDF_OPS_MIN ((unsigned long long)crypto_pwhash_OPSLIMIT_INTERACTIVE)
#define E2E_KDF_OPS_MAX 16ULL
#define E2E_KDF_MEM_MIN ((unsigned long long)crypto_pwhash_MEMLIMIT_INTERACTIVE)
#define E2E_KDF_MEM_MAX (1024ULL * 1024 * 1024)
#define E2E_SALT_BYTES crypto_pwhash_SALTBYTES

/* Room passwords shorter than this are refused by the client. */
#define E2E_PASSWORD_MIN 8
#define E2E_PASSWORD_MAX 1024

/* Key and field sizes on the wire (raw bytes, before base64). */
#define E2E_SIGN_PK_BYTES crypto_sign_PUBLICKEYBYTES       /* 32 */
#define E2E_SIGN_SK_BYTES crypto_sign_SECRETKEYBYTES       /* 64 */
#define E2E_SIG_BYTES crypto_sign_BYTES                    /* 64 */
#define E2E_BOX_PK_BYTES crypto_box_PUBLICKEYBYTES         /* 32 */
#define E2E_BOX_SK_BYTES crypto_box_SECRETKEYBYTES         /* 32 */
#define E2E_BOX_NONCE_BYTES crypto_box_NONCEBYTES          /* 24 */
#define E2E_MAC_BYTES crypto_auth_BYTES                    /* 32 */
#define E2E_KEY_BYTES 32                                   /* session, admission */
#define E2E_WRAP_BYTES (E2E_KEY_BYTES + crypto_box_MACBYTES) /* 48 */
#define E2E_AEAD_NONCE_BYTES crypto_aead_xchacha20poly1305_ietf_NPUBBYTES /* 24 */
#define E2E_AEAD_TAG_BYTES crypto_aead_xchacha20poly1305_ietf_ABYTES      /* 16 */
#define E2E_NONCE_BYTES 32                                 /* join challenge */
#define E2E_TOKEN_BYTES 32
#define E2E_HASH_BYTES 32                                  /* message chain */

/* Base64 variant for every binary value on the wire and on disk. */
#define E2E_B64_VARIANT sodium_base64_VARIANT_ORIGINAL

#endif
