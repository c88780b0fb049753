"""Redirects stay on the site, go somewhere new, and end: refused otherwise, with a reason.

Scrapy's redirect middlewares follow any Location, to any host, and a loop
back to a URL already fetched ends as a silently filtered duplicate. These
subclasses map a redirect to one of the channel's hosts onto the crawl's base
URL (the profile's `LinkMapper`, so tests serve it locally) and refuse, with
`RedirectRefused` (a counted failure, the URL kept pending):

- `redirect_offsite`: another host (nothing of it is fetched, not even its robots.txt);
- `redirect_loop`: back to a URL of the same chain;
- `redirect_chain`: more than REDIRECT_MAX_TIMES hops;
- `redirect_to_list`: an article URL that leads to a list page.
"""

from __future__ import annotations

from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware, RedirectMiddleware
from scrapy.exceptions import IgnoreRequest

from stdcrawl.crawl.profile import site_profile
from stdcrawl.extract.site import url_path


class RedirectRefused(IgnoreRequest):
    """A redirect the crawl does not follow; `reason` names why."""

    def __init__(self, reason: str, source: str, target: str):
        super().__init__(f"{reason}: {source} -> {target}")
        self.reason = reason


class _SiteRedirects:
    def _redirect(self, redirected, request, reason):
        mapper = getattr(self, "_mapper", None)
        if mapper is None:
            mapper = self._mapper = site_profile(self.crawler.settings).link_mapper(
                self.crawler.settings.get("STDCRAWL_BASE_URL"))
        target = mapper.to_fetch(redirected.url, request.url)
        if target is None:
            raise RedirectRefused("redirect_offsite", request.url, redirected.url)
        chain = [*request.meta.get("redirect_urls", []), request.url]
        if target in chain and mapper.base_host in mapper.profile.channel_hosts and redirected.url not in chain:
            # the live site sending https to http (or www to bare): its own host, followed as it is
            target = redirected.url
        if target != redirected.url:
            redirected = redirected.replace(url=target)
        if target in chain:
            raise RedirectRefused("redirect_loop", chain[0], target)
        if len(chain) > self.max_redirect_times:
            raise RedirectRefused("redirect_chain", chain[0], target)
        if request.meta.get("kind") == "article" and mapper.profile.is_list_path(url_path(target)):
            raise RedirectRefused("redirect_to_list", chain[0], target)
        return super()._redirect(redirected, request, reason)


class SiteRedirectMiddleware(_SiteRedirects, RedirectMiddleware):
    """RedirectMiddleware that stays on the site (module docstring)."""


class SiteMetaRefreshMiddleware(_SiteRedirects, MetaRefreshMiddleware):
    """MetaRefreshMiddleware that stays on the site (module docstring)."""
