import json
from pathlib import Path

from mshtdesk.security.keyring import Keyring, new_data_key


def test_wrapped_keys_open_only_with_their_password(tmp_path: Path) -> None:
    path = tmp_path / "x.db.keys"
    ring = Keyring.create(path)
    key = new_data_key()
    ring.wrap("alice", "alice's long passphrase", key)
    ring.wrap("bob", "bob's long passphrase", key)
    again = Keyring.load(path)
    assert again is not None
    assert again.unwrap("alice", "alice's long passphrase") == key
    assert again.unwrap("bob", "bob's long passphrase") == key
    assert again.unwrap("alice", "bob's long passphrase") is None  # bound to the user, too
    assert again.unwrap("carol", "anything") is None
    raw = path.read_text()
    assert key.hex() not in raw and "passphrase" not in raw
    # A swapped entry (bob's wrapped key under alice's name) does not open: the user name is bound in.
    data = json.loads(raw)
    data["users"]["alice"] = data["users"]["bob"]
    path.write_text(json.dumps(data))
    assert Keyring.load(path).unwrap("alice", "bob's long passphrase") is None  # type: ignore[union-attr]


def test_key_file_is_private_to_its_owner(tmp_path: Path) -> None:
    path = tmp_path / "y.db.keys"
    Keyring.create(path)
    assert path.stat().st_mode & 0o077 == 0
