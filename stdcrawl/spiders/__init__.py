"""Scrapy spiders of stdcrawl."""
