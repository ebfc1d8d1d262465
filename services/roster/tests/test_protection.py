"""ID numbers at rest: AES-GCM bound to the committee, a rotatable key ring; masking for display."""

import pytest
from cryptography.exceptions import InvalidTag

from linli_roster.protection import IdNumberCipher, mask_id_number, mask_phone

pytestmark = pytest.mark.unit

OLD = "k1:" + "33" * 32
NEW = "k2:" + "44" * 32
ID_NUMBER = "31011619800101123X"
TENANT, OTHER_TENANT = "6a1c1c40-0000-4000-8000-000000000001", "6a1c1c40-0000-4000-8000-000000000002"


def test_a_sealed_number_opens_again_and_does_not_contain_the_plaintext():
    cipher = IdNumberCipher(OLD)
    sealed = cipher.seal(ID_NUMBER, TENANT)
    assert ID_NUMBER.encode() not in sealed
    assert b"1980" not in sealed
    assert cipher.open(sealed, TENANT) == ID_NUMBER
    assert cipher.key_of(sealed) == "k1"


def test_sealing_twice_gives_different_ciphertexts():
    cipher = IdNumberCipher(OLD)
    assert cipher.seal(ID_NUMBER, TENANT) != cipher.seal(ID_NUMBER, TENANT)


def test_a_ciphertext_is_bound_to_its_committee():
    cipher = IdNumberCipher(OLD)
    sealed = cipher.seal(ID_NUMBER, TENANT)
    with pytest.raises(InvalidTag):
        cipher.open(sealed, OTHER_TENANT)


def test_a_tampered_ciphertext_does_not_open():
    cipher = IdNumberCipher(OLD)
    sealed = bytearray(cipher.seal(ID_NUMBER, TENANT))
    sealed[-1] ^= 0x01
    with pytest.raises(InvalidTag):
        cipher.open(bytes(sealed), TENANT)


def test_rotation_new_writes_use_the_front_key_and_old_values_still_open():
    before = IdNumberCipher(OLD)
    sealed_with_old = before.seal(ID_NUMBER, TENANT)

    rotated = IdNumberCipher(f"{NEW},{OLD}")
    assert rotated.current == "k2"
    assert rotated.open(sealed_with_old, TENANT) == ID_NUMBER
    sealed_with_new = rotated.seal(ID_NUMBER, TENANT)
    assert rotated.key_of(sealed_with_new) == "k2"
    assert rotated.open(sealed_with_new, TENANT) == ID_NUMBER


def test_a_retired_key_no_longer_opens_its_values():
    sealed_with_old = IdNumberCipher(OLD).seal(ID_NUMBER, TENANT)
    with pytest.raises(KeyError):
        IdNumberCipher(NEW).open(sealed_with_old, TENANT)


@pytest.mark.parametrize(
    ("phone", "masked"),
    [("13812345678", "138****5678"), ("15900001111", "159****1111"), ("1234567", "****"), ("", "****")],
)
def test_phone_masking(phone, masked):
    assert mask_phone(phone) == masked


def test_id_number_masking_shows_only_the_last_four():
    assert mask_id_number("123X") == "**************123X"
    assert len(mask_id_number("123X") or "") == 18
    assert mask_id_number(None) is None
