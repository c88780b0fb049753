"""A robots.txt parser that fails on every real robots.txt: stands in for a
bug or an incompatible Scrapy in the robots.txt path (tests/test_faults_run.py)."""

from scrapy.robotstxt import ProtegoRobotParser


class FailingRobotParser(ProtegoRobotParser):
    @classmethod
    def from_crawler(cls, crawler, robotstxt_body):
        if robotstxt_body:
            raise RuntimeError("this parser cannot read robots.txt")
        return super().from_crawler(crawler, robotstxt_body)
