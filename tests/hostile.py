"""The ready-made hostile org (tests/data/hostile_org.json) and what it holds, for
any test: `Emulator(org_file=HOSTILE_ORG)` or `ssotui emulator --org HOSTILE_ORG`."""

from __future__ import annotations

import json
from pathlib import Path

HOSTILE_ORG = Path(__file__).parent / "data" / "hostile_org.json"
_DATA = json.loads(HOSTILE_ORG.read_text(encoding="utf-8"))

#: (account id, account name, email, [role names]) for every account, in file order.
ACCOUNTS = [
    (a["accountId"], a["accountName"], a["emailAddress"],
     [r if isinstance(r, str) else r["roleName"] for r in a["roles"]])
    for a in _DATA["accounts"]
]
#: The account whose roles serve hostile credential values (role name = the attack).
CREDS_LAB = "100000000008"
#: creds-lab roles whose values AWS never issues: `ssotui creds` must refuse each.
BAD_CREDENTIAL_ROLES = [r for r in ACCOUNTS[7][3] if r != "valid-edge"]
#: The creds-lab role with real-looking edge values (long base64 with / + =): accepted.
VALID_EDGE_ROLE = "valid-edge"
