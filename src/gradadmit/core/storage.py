"""The S3-compatible storage of several app servers: django-storages' S3Storage, asking S3 less per upload.

A stored file's name is drawn by its model's upload_to from a new uuid4 (`documents/<application>/<32 hex>.pdf`,
letters, receipts, tickets...): no file of that name can exist yet. Django's Storage.save() still asks whether it
does (a HEAD request), and core.uploads.store_file() asks once more when it picks the name, so an upload made three
requests to S3 of which two could only answer "no" (about 4 % of the production-like mix's CPU, and as much again in
the storage service). Such a generated name is taken as it is; any other name (a fixed upload_to such as
"bank-statements/" plus the file's own name) is checked as Django checks it and never overwrites a file.

A file under the multipart threshold (8 MB: nearly every upload) goes in one PutObject with its SHA-256 as the
object's checksum: S3 refuses a body that does not match it, so what is stored is byte for byte what the portal
checked. The digest the upload checks already computed comes along as the content's `sha256` attribute
(core.uploads.store_file(..., sha256=...)); any other file is hashed here. botocore then computes no CRC32 of its
own and, over HTTPS, does not hash the body again to sign it (the signed checksum header covers it); no resource
class is built for the object either (3 MB to moto's server: 7.8 against 4.9 ms of CPU).

A larger file, a text file or one the storage gzips goes through django-storages as before, part after part, from
the request's own thread (s3transfer's `use_threads=False`) unless a transfer_config is given: the app server's
threads already serve requests side by side, and s3transfer otherwise starts a pool of threads for every file.
"""

import base64
import hashlib
import posixpath
import re

from boto3.s3.transfer import TransferConfig
from storages.backends.s3 import S3Storage
from storages.utils import clean_name

GENERATED_NAME = re.compile(r"[0-9a-f]{32}\.[A-Za-z0-9]{1,8}")  # uuid4().hex and an extension


class PrivateS3Storage(S3Storage):
    def __init__(self, **settings):
        settings.setdefault("transfer_config", TransferConfig(use_threads=False))
        super().__init__(**settings)

    def is_name_available(self, name, max_length=None):
        if GENERATED_NAME.fullmatch(posixpath.basename(name)) and (max_length is None or len(name) <= max_length):
            return True
        return super().is_name_available(name, max_length=max_length)

    def _save(self, name, content):
        if self.gzip or content.size >= self.transfer_config.multipart_threshold:
            return super()._save(name, content)
        content.seek(0)
        data = content.read()
        if not isinstance(data, bytes):  # a text file: django-storages encodes it
            return super()._save(name, content)
        known = getattr(content, "sha256", None)
        digest = bytes.fromhex(known) if known else hashlib.sha256(data).digest()
        cleaned = clean_name(name)
        key = self._normalize_name(cleaned)
        params = {**self._get_write_parameters(key, content), "ChecksumSHA256": base64.b64encode(digest).decode()}
        self.connection.meta.client.put_object(Bucket=self.bucket_name, Key=key, Body=data, **params)
        return cleaned
