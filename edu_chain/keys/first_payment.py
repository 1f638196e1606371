"""The first bitcoin payment: Satoshi to Hal Finney, 10 BTC, in block 170 (12 January 2009).

Kept here, offline, so notebook 16 verifies Satoshi's signature with no internet. The
bytes are Bitcoin's own; :func:`load` proves it: a transaction's id *is* the double
SHA-256 of its bytes (byte-reversed), so bytes that hash to the well-known txids below are
the transactions of the chain, and a single changed bit would give another id.

Where the bytes were taken from: the test ``should_execute_checksig_transaction`` of
SoftwareVerde/bitcoin-verde (a full node in Java),
``src/test/java/com/softwareverde/bitcoin/transaction/script/runner/ScriptRunnerTests.java``,
which runs this very signature check; the same bytes appear in many projects' test
data. Block 170 is block 000000002a22cfee1f2c846adbd12b3e183d4f97683f85dad08a79780a84bd55.
"""

from __future__ import annotations

from dataclasses import dataclass

from .legacy_tx import Transaction, parse, txid

PAYMENT_TXID = "f4184fc596403b9d638783cf57adfe4c75c605f6356fbc91338530e9831e9e16"
SPENT_TXID = (
    "0437cd7f8525ceed2324359c2d0ba26006d92d856a9c20fa0241106ee5a597c9"  # block 9's coinbase
)

PAYMENT_HEX = (
    "0100000001c997a5e56e104102fa209c6a852dd90660a20b2d9c352423edce25857fcd3704"
    "000000004847304402204e45e16932b8af514961a1d3a1a25fdf3f4f7732e9d624c6c61548"
    "ab5fb8cd410220181522ec8eca07de4860a4acdd12909d831cc56cbbac4622082221a8768d"
    "1d0901ffffffff0200ca9a3b00000000434104ae1a62fe09c5f51b13905f07f06b99a2f715"
    "9b2225f374cd378d71302fa28414e7aab37397f554a7df5f142c21c1b7303b8a0626f1bade"
    "d5c72a704f7e6cd84cac00286bee0000000043410411db93e1dcdb8a016b49840f8c53bc1e"
    "b68a382e97b1482ecad7b148a6909a5cb2e0eaddfb84ccf9744464f82e160bfa9b8b64f9d4"
    "c03f999b8643f656b412a3ac00000000"
)
SPENT_HEX = (
    "01000000010000000000000000000000000000000000000000000000000000000000000000"
    "ffffffff0704ffff001d0134ffffffff0100f2052a0100000043410411db93e1dcdb8a016b"
    "49840f8c53bc1eb68a382e97b1482ecad7b148a6909a5cb2e0eaddfb84ccf9744464f82e16"
    "0bfa9b8b64f9d4c03f999b8643f656b412a3ac00000000"
)


@dataclass(frozen=True)
class FirstPayment:
    raw: bytes  # block 170's second transaction, as serialised
    spent_raw: bytes  # block 9's coinbase, whose output 0 it spends
    payment: Transaction
    spent: Transaction


def load() -> FirstPayment:
    """Both transactions, parsed, after checking that their bytes hash to their txids."""
    raw, spent_raw = bytes.fromhex(PAYMENT_HEX), bytes.fromhex(SPENT_HEX)
    for name, data, expected in (("payment", raw, PAYMENT_TXID), ("spent", spent_raw, SPENT_TXID)):
        if txid(data) != expected:
            raise ValueError(f"the {name} bytes hash to {txid(data)}, not {expected}")
    payment = parse(raw)
    if payment.inputs[0].previous_txid[::-1].hex() != SPENT_TXID:
        raise ValueError("the payment does not spend block 9's coinbase")
    return FirstPayment(raw, spent_raw, payment, parse(spent_raw))
