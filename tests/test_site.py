"""Site knowledge: URL generations, canonical URLs, link mapping."""

import pytest

from stdcrawl.extract import site


@pytest.mark.parametrize(
    "path, generation, article_id, section_dir",
    [
        ("/English/ChinaNews/2021-10/28/content_1228666.shtml", "G1", "g1-1228666", "ChinaNews"),
        ("/English/BusinessNews/202206/4dfa8c1ad15548af90cc1fd28c04b065.shtml", "G2", "g2-4dfa8c1ad15548af90cc1fd28c04b065", "BusinessNews"),
        ("/web/English/2023-06/08/content_1925612.html", "G3", "g3-1925612", ""),
        ("/web/English/2025-02/06/content_290288.html", "G4", "g4-290288", ""),
    ],
)
def test_each_url_generation_gives_its_article_id(path, generation, article_id, section_dir):
    ref = site.article_ref(path)
    assert (ref.generation, ref.article_id, ref.section_dir) == (generation, article_id, section_dir)


@pytest.mark.parametrize(
    "path",
    [
        "/English/WorldNews/common_list.shtml",
        "/web/English/node_412.html",
        "/English/WorldNews/2021-11/04/content_123.shtml",
        "/English/WorldNews/202206/NOTHEX.shtml",
    ],
)
def test_list_pages_and_malformed_paths_are_not_articles(path):
    assert site.article_ref(path) is None


def test_list_paths_are_recognized():
    assert site.is_list_path("/English/WorldNews/common_list_3.shtml")
    assert site.is_list_path("/web/English/node_410_2.html")
    assert not site.is_list_path("/English/WorldNews/2021-11/04/content_1232045.shtml")


@pytest.mark.parametrize(
    "url",
    [
        "http://www.stdaily.com/web/English/2023-06/08/content_1925612.html",
        "https://stdaily.com/web/English/2023-06/08/content_1925612.html",
        "http://m.stdaily.com/web/English/2023-06/08/content_1925612.html?from=list",
        "https://www.stdaily.com/web/English/2023-06/08/content_1925612.html#:~:text=Canadian%20Mom",
    ],
)
def test_every_variant_of_one_page_has_one_canonical_url(url):
    assert site.canonical_url(url) == "https://www.stdaily.com/web/English/2023-06/08/content_1925612.html"


def test_a_local_base_maps_onto_the_canonical_host():
    url = "http://127.0.0.1:8123/English/News/common_list.shtml"
    assert site.canonical_url(url, "127.0.0.1:8123") == "https://www.stdaily.com/English/News/common_list.shtml"
    assert site.canonical_url(url) == url


def test_link_mapper_maps_channel_links_onto_the_base_and_drops_the_rest():
    mapper = site.LinkMapper("http://127.0.0.1:8123")
    page = "http://127.0.0.1:8123/English/WorldNews/common_list.shtml"
    assert mapper.to_fetch("http://m.stdaily.com/English/News/x.shtml?from=1#top", page) == "http://127.0.0.1:8123/English/News/x.shtml"
    assert mapper.to_fetch("/web/English/node_410.html", page) == "http://127.0.0.1:8123/web/English/node_410.html"
    assert mapper.to_fetch("common_list_2.shtml", page) == "http://127.0.0.1:8123/English/WorldNews/common_list_2.shtml"
    assert mapper.to_fetch("http://www.shaaeralhejaz.com/English/WorldNews/2021-07/08/content_1175137.shtml", page) is None
    assert mapper.to_fetch("http://digitalpaper.stdaily.com/http_www.kjrb.com/ywtk/html/2021-11/04/content_1.htm", page) is None
    assert mapper.to_fetch("http://www.xinhuanet.com/english/", page) is None
    assert mapper.to_fetch("mailto:yuhy@stdaily.com", page) is None


def test_live_crawls_fetch_from_the_live_host():
    mapper = site.LinkMapper()
    assert mapper.to_fetch("http://m.stdaily.com/English/News/common_list.shtml", "https://www.stdaily.com/") == (
        "https://www.stdaily.com/English/News/common_list.shtml"
    )


def test_start_pages_cover_every_section_and_the_known_nodes():
    paths = site.start_paths()
    assert "/English/WorldNews/common_list.shtml" in paths and "/web/English/node_412.html" in paths
    assert site.start_paths(["Service"]) == ["/English/Service/common_list.shtml"]


def test_section_names_map_to_directories_across_renames():
    assert site.section_dir_for("International Cooperation") == "WorldNews"
    assert site.section_dir_for("Cooperation") == "WorldNews"
    assert site.section_dir_for("Comment") == "BusinessNews"
    assert site.section_dir_for("Unknown") == ""


@pytest.mark.parametrize(
    "path, family, number",
    [
        ("/web/English/node_410.html", "/web/English/node_410", 1),
        ("/web/English/node_410_2.html", "/web/English/node_410", 2),
        ("/English/WorldNews/common_list.shtml", "/English/WorldNews/common_list", 1),
        ("/English/WorldNews/common_list_3.shtml", "/English/WorldNews/common_list", 3),
        ("/English/index.shtml", "/English/index", 1),
        ("/English/WorldNews/2021-11/04/content_1232045.shtml", "/English/WorldNews/2021-11/04/content_1232045.shtml", None),
    ],
)
def test_list_pages_know_their_list_and_number(path, family, number):
    assert (site.list_family(path), site.list_page_number(path)) == (family, number)
