"""Real-name data: encrypted at rest, found by keyed hash, shown masked."""

from wallet.identity.masking import mask_id_number, mask_name, mask_phone
from wallet.identity.protection import lookup_hash, name_lookup_hash, seal, unseal

__all__ = ["lookup_hash", "mask_id_number", "mask_name", "mask_phone", "name_lookup_hash", "seal", "unseal"]
