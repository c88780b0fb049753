"""The captures index: which WARC record holds each fetch (docs/warc.md)."""

from __future__ import annotations


class CapturesIndex:
    """Lookups in `captures` (a part of `Archive`, which holds `self.db` and `_row`)."""

    def latest_payload_capture(self, canonical_url: str) -> dict | None:
        """The URL's latest capture with a non-empty payload, with the record
        holding that payload (a revisit's original): what a new capture is
        compared with."""
        return self._row(
            """select coalesce(o.record_id, c.record_id) as record_id, coalesce(o.url, c.url) as url,
                      coalesce(o.fetched_at, c.fetched_at) as fetched_at, c.payload_file, c.payload_offset,
                      c.payload_digest
               from captures c left join captures o on o.record_id = c.refers_to
               where c.canonical_url = ? and c.payload_length > 0
               order by c.capture_id desc limit 1""",
            canonical_url,
        )
