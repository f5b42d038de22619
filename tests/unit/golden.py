#!/usr/bin/env python3
"""golden.py - the expected values of tests/unit/test_golden.c, computed
from docs/PROTOCOL.md's rules alone (no line of the C code is run or
read): the canon rule (a 4-byte big-endian length before the label and
before every field; integers as 8-byte big-endian fields), the v2
transcripts (the room's name and 16-byte id first), BLAKE2b and
HMAC-SHA512-256 (libsodium's crypto_auth) from Python's standard library.

Run it by hand when a transcript changes (python3 tests/unit/golden.py)
and copy its lines into test_golden.c; the unit test never runs it.
The inputs here are the ones test_golden.c fixes."""
import hashlib
import hmac


def field(b: bytes) -> bytes:
    return len(b).to_bytes(4, "big") + b


def canon(label: str, *fields: bytes) -> bytes:
    return field(label.encode()) + b"".join(field(f) for f in fields)


def u64(v: int) -> bytes:
    return v.to_bytes(8, "big")


def blake(data: bytes, size: int = 32) -> str:
    return hashlib.blake2b(data, digest_size=size).hexdigest()


def auth(key: bytes, data: bytes) -> str:
    """crypto_auth: HMAC-SHA-512 truncated to 32 bytes."""
    return hmac.new(key, data, hashlib.sha512).digest()[:32].hex()


# the fixed inputs
ROOM = b"den"
ROOM_ID = bytes(range(0xC0, 0xD0))           # E2E_ROOM_ID_BYTES = 16
NAME = b"bob"
SIGN_PK = bytes(range(0, 32))
BOX_PK = bytes(range(32, 64))
JOIN_NONCE = b"\xa5" * 32                    # E2E_NONCE_BYTES
AEAD_NONCE = b"\x11" * 24
WRAP_NONCE = b"\x22" * 24
WRAP_BOX = b"\x33" * 48                      # E2E_WRAP_BYTES
WRAP_BY = b"alice"
STATE = b'{"v":2}'
ADMISSION = b"\x5a" * 32                     # an admission key, as given
SIG = b"\x44" * 64                           # a message's signature (chain)


def room() -> tuple:
    return (ROOM, ROOM_ID)


def main() -> None:
    member = canon("e2e-chat/v2/member", *room(), NAME, SIGN_PK, BOX_PK)
    join = canon("e2e-chat/v2/join", *room(), JOIN_NONCE, NAME, SIGN_PK, BOX_PK)
    state = canon("e2e-chat/v2/state", STATE)
    wrap = canon("e2e-chat/v2/wrap", *room(), u64(3), NAME, WRAP_BY, BOX_PK, WRAP_NONCE,
                 WRAP_BOX)
    ad = canon("e2e-chat/v2/msg", *room(), NAME, u64(3), u64(7))
    msg_sig = canon("e2e-chat/v2/msg-sig", ad, AEAD_NONCE, b"ciphertext")
    # BLAKE2b with a 20-byte digest, as the v1 vector already pinned it.
    # PROTOCOL.md's "first 20 bytes of BLAKE2b-256" gives other bytes
    # (BLAKE2b's output length is a parameter of the hash): the document
    # is the one to correct.
    fingerprint = blake(canon("e2e-chat/v1/fingerprint", SIGN_PK, BOX_PK), 20)
    chain = blake(canon("e2e-chat/v1/chain", SIG))

    print("member (full)      ", member.hex())
    print("join               ", blake(join))
    print("state (= its hash) ", blake(state))
    print("wrap               ", blake(wrap))
    print("message signature  ", blake(msg_sig))
    print("message ad (full)  ", ad.hex())
    print("fingerprint        ", " ".join(fingerprint[i:i + 4] for i in range(0, 40, 4)))
    print("chain              ", chain)
    print("member MAC         ", auth(ADMISSION, member))
    print("state MAC          ", auth(ADMISSION, state))


if __name__ == "__main__":
    main()
