"""Which site a crawl is of: the STDCRAWL_SITE setting, read the same way by every component."""

from __future__ import annotations

from scrapy.utils.misc import load_object

from stdcrawl.extract.site import SiteProfile


def site_profile(settings) -> SiteProfile:
    """The crawl's site profile: STDCRAWL_SITE, a profile or the dotted path of one."""
    value = settings.get("STDCRAWL_SITE")
    profile = load_object(value) if isinstance(value, str) else value
    if not isinstance(profile, SiteProfile):
        raise ValueError(f"STDCRAWL_SITE must name a stdcrawl.extract.site.SiteProfile, not {value!r}")
    return profile
