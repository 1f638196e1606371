"""The first bitcoin payment (block 170), kept offline: its bytes are Bitcoin's (they hash
to the txids), its signed message is built by the legacy SIGHASH_ALL rule, and Satoshi's
signature verifies with the pure-Python verifier and with ``cryptography``."""

from dataclasses import replace

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed
from hypothesis import given, settings
from hypothesis import strategies as st

from edu_chain.keys import first_payment, legacy_tx
from edu_chain.keys.curve import sec_decode
from edu_chain.keys.ecdsa import der_decode, is_low_s, verify
from edu_chain.keys.legacy_tx import (
    Transaction,
    TxIn,
    TxOut,
    p2pk_public_key,
    parse,
    script_pushes,
    serialize,
    sighash_all,
    sighash_all_preimage,
    txid,
)

# What Satoshi signed, as the Bitcoin wiki's OP_CHECKSIG page gives it (the test vector many
# projects copy, e.g. a test_verify_signature "from https://en.bitcoin.it/wiki/OP_CHECKSIG"):
# the payment with block 9's output script in place of the signature, and 01000000 appended.
BLOCK_170_PREIMAGE = (
    "0100000001c997a5e56e104102fa209c6a852dd90660a20b2d9c352423edce25857fcd3704"
    "0000000043410411db93e1dcdb8a016b49840f8c53bc1eb68a382e97b1482ecad7b148a690"
    "9a5cb2e0eaddfb84ccf9744464f82e160bfa9b8b64f9d4c03f999b8643f656b412a3acffff"
    "ffff0200ca9a3b00000000434104ae1a62fe09c5f51b13905f07f06b99a2f7159b2225f374"
    "cd378d71302fa28414e7aab37397f554a7df5f142c21c1b7303b8a0626f1baded5c72a704f"
    "7e6cd84cac00286bee0000000043410411db93e1dcdb8a016b49840f8c53bc1eb68a382e97"
    "b1482ecad7b148a6909a5cb2e0eaddfb84ccf9744464f82e160bfa9b8b64f9d4c03f999b86"
    "43f656b412a3ac0000000001000000"
)


def test_the_stored_bytes_hash_to_the_txids():
    data = first_payment.load()
    assert txid(data.raw) == first_payment.PAYMENT_TXID
    assert txid(data.spent_raw) == first_payment.SPENT_TXID
    assert serialize(data.payment) == data.raw and serialize(data.spent) == data.spent_raw


def test_one_changed_byte_is_caught(monkeypatch):
    tampered = first_payment.PAYMENT_HEX.replace("00ca9a3b", "00ca9a3c")  # 10 BTC → more
    monkeypatch.setattr(first_payment, "PAYMENT_HEX", tampered)
    with pytest.raises(ValueError, match="hash to"):
        first_payment.load()


def test_what_the_payment_says():
    data = first_payment.load()
    assert [o.amount for o in data.payment.outputs] == [10 * 10**8, 40 * 10**8]  # Hal, change
    assert data.spent.outputs[0].amount == 50 * 10**8  # block 9's subsidy
    spent_input = data.payment.inputs[0]
    assert spent_input.previous_txid[::-1].hex() == first_payment.SPENT_TXID
    assert spent_input.previous_index == 0


def test_satoshis_signature_verifies_with_ours_and_cryptography():
    data = first_payment.load()
    script_pubkey = data.spent.outputs[0].script_pubkey
    assert sighash_all_preimage(data.payment, 0, script_pubkey).hex() == BLOCK_170_PREIMAGE
    z = sighash_all(data.payment, 0, script_pubkey)
    (signature_and_type,) = script_pushes(data.payment.inputs[0].script_sig)
    assert signature_and_type[-1] == legacy_tx.SIGHASH_ALL
    signature = der_decode(signature_and_type[:-1])
    key_bytes = p2pk_public_key(script_pubkey)
    assert verify(sec_decode(key_bytes), z, signature) and is_low_s(signature)
    assert not verify(sec_decode(key_bytes), z ^ 1, signature)
    theirs = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256K1(), key_bytes)
    theirs.verify(
        signature_and_type[:-1], z.to_bytes(32, "big"), ec.ECDSA(Prehashed(hashes.SHA256()))
    )


def test_the_preimage_replaces_the_signed_script_and_empties_the_others():
    data = first_payment.load()
    other = TxIn(b"\x11" * 32, 3, b"\x51\x52", 0xFFFFFFFF)
    two_inputs = replace(data.payment, inputs=(data.payment.inputs[0], other))
    preimage = sighash_all_preimage(two_inputs, 1, b"\xac")
    signed = parse(preimage[:-4])
    assert preimage[-4:] == b"\x01\x00\x00\x00"
    assert signed.inputs[0].script_sig == b"" and signed.inputs[1].script_sig == b"\xac"
    assert signed.outputs == data.payment.outputs


tx_ins = st.builds(
    TxIn, st.binary(min_size=32, max_size=32), st.integers(0, 2**32 - 1),
    st.binary(max_size=300), st.integers(0, 2**32 - 1),
)  # fmt: skip
tx_outs = st.builds(TxOut, st.integers(0, 2**64 - 1), st.binary(max_size=300))


@settings(max_examples=40, deadline=None)
@given(
    st.builds(
        Transaction,
        st.integers(0, 2**32 - 1),
        st.lists(tx_ins, max_size=3).map(tuple),
        st.lists(tx_outs, max_size=3).map(tuple),
        st.integers(0, 2**32 - 1),
    )  # fmt: skip
)
def test_parse_inverts_serialize(tx):
    assert parse(serialize(tx)) == tx


@pytest.mark.parametrize("cut", [1, 5, 41, 100])
def test_truncated_or_padded_transactions_are_refused(cut):
    raw = bytes.fromhex(first_payment.PAYMENT_HEX)
    with pytest.raises(ValueError):
        parse(raw[:-cut])
    with pytest.raises(ValueError):
        parse(raw + b"\x00" * cut)


def test_non_p2pk_scripts_are_refused():
    for script in (b"", b"\x76\xa9", b"\x02\x01\x02\xac", b"\x4c\x01\x00"):
        with pytest.raises(ValueError):
            p2pk_public_key(script)
