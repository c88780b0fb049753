"""The article's own images, fetched into the WARC files (`STDCRAWL_IMAGES`, `--no-images`).

Only the images of the body (what `ArticleLoader` keeps, each with its
caption) and only on the site's own hosts: the site's chrome (logos, list
thumbnails, footer badges) is never fetched, nor a picture on another site.
The requests go through the same downloader as every page, so robots.txt,
the delay and AutoThrottle apply; an image the archive already holds is not
fetched again. Rows of `images` are linked to these captures by
`stdcrawl.archive.image_links`.
"""

from __future__ import annotations

import scrapy
from scrapy.exceptions import IgnoreRequest

from stdcrawl.crawl.extensions import STAT

#: After the article that shows them, before the next list page.
IMAGE_PRIORITY = 5


def image_requests(spider, images: list[dict], page_url: str):
    """Requests for the images of one article that the archive does not hold yet."""
    archive = spider.run.archive
    for image in images:
        fetch = spider.mapper.to_fetch(image.get("src") or "", page_url)
        if fetch is None:
            continue
        if archive.latest_payload_capture(spider.site.canonical_url(fetch, spider.mapper.base_netloc)) is not None:
            continue
        yield scrapy.Request(
            fetch, callback=spider.parse_image, errback=spider.on_image_error, priority=IMAGE_PRIORITY,
            meta={"kind": "image", "handle_httpstatus_all": True},
        )


def count_image(stats, response) -> None:
    """The capture middleware has written it; count what came."""
    ok = response.status == 200 and bool(response.body)
    stats.inc_value(f"{STAT}/images/{'captured' if ok else 'failed'}")


def count_image_error(stats, failure) -> None:
    """Not fetched: forbidden by robots.txt (not counted as a failure) or failed."""
    stats.inc_value(f"{STAT}/images/{'robots_forbidden' if failure.check(IgnoreRequest) else 'failed'}")
