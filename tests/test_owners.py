"""Owner matching (roadmaps.owners): case endings, initials, bodies, groups, level rules."""

from __future__ import annotations

import pytest

from roadmaps.owner_names import OwnerGroup, stems
from roadmaps.owners import OwnerMatch, OwnerMatcher, Target
from tracker.core.directory import Directory, OrgInfo, PersonInfo
from tracker.core.enums import Level, OrgKind

REGION, AZOV, AZOV_DISTRICT, TAGANROG, MINISTRY, EDU_AZOV, COLLEGE = 1, 2, 3, 4, 5, 6, 7
SCHOOL_1, SCHOOL_2, SCHOOL_T = 11, 12, 13

ORGS = [
    OrgInfo(REGION, None, "Ростовская область", OrgKind.REGION),
    OrgInfo(AZOV, REGION, "Город Азов", OrgKind.MUNICIPALITY),
    OrgInfo(AZOV_DISTRICT, REGION, "Азовский район", OrgKind.MUNICIPALITY),
    OrgInfo(TAGANROG, REGION, "Город Таганрог", OrgKind.MUNICIPALITY),
    OrgInfo(MINISTRY, REGION,
            "Министерство общего и профессионального образования Ростовской области",
            OrgKind.OTHER),
    OrgInfo(EDU_AZOV, AZOV, "Отдел образования", OrgKind.OTHER),
    OrgInfo(COLLEGE, TAGANROG, "ГБПОУ РО «Таганрогский механический колледж»", OrgKind.OTHER),
    OrgInfo(SCHOOL_1, AZOV, "МБОУ СОШ № 1", OrgKind.SCHOOL),
    OrgInfo(SCHOOL_2, AZOV, "МБОУ СОШ № 2", OrgKind.SCHOOL),
    OrgInfo(SCHOOL_T, TAGANROG, "МАОУ лицей № 4", OrgKind.SCHOOL),
]
PUSHKAREVA, ARBUZOVA, IVANOV, IVANOVA_MN, KUZNETSOVA_1, KUZNETSOVA_2 = 1, 2, 3, 4, 5, 6
PEOPLE = [
    PersonInfo(PUSHKAREVA, "Пушкарева Е.А.", MINISTRY),
    PersonInfo(ARBUZOVA, "Арбузова Людмила Евгеньевна", MINISTRY),
    PersonInfo(IVANOV, "Иванов П.С.", EDU_AZOV),
    PersonInfo(IVANOVA_MN, "М.Н. Иванова", EDU_AZOV),
    PersonInfo(KUZNETSOVA_1, "Кузнецова Ю.В.", EDU_AZOV),
    PersonInfo(KUZNETSOVA_2, "Кузнецова Ю.В.", MINISTRY),
]


@pytest.fixture(scope="module")
def directory() -> OwnerMatcher:
    return OwnerMatcher(Directory(ORGS, PEOPLE))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Пушкаревой", "Пушкарева"),
        ("Пушкареву", "Пушкарева"),
        ("Ивановой", "Иванова"),
        ("Иванова", "Иванов"),
        ("отделу", "Отдел"),
        ("отдела", "отделом"),
        ("образования", "образованием"),
        ("Таганрогскому", "Таганрогский"),
        ("механическому", "механический"),
        ("колледжу", "колледж"),
        ("общеобразовательных", "общеобразовательные"),
        ("организаций", "организациям"),
        ("Азова", "Азов"),
        ("Ёлкиной", "Елкина"),
    ],
)
def test_case_forms_share_a_stem(a, b):
    assert stems(a) & stems(b)


@pytest.mark.parametrize(("a", "b"), [("Азовскому", "Азов"), ("отдел", "отдых"), ("Иванов", "Ива")])
def test_different_words_do_not(a, b):
    assert not stems(a) & stems(b)


@pytest.mark.parametrize(
    ("text", "person"),
    [
        ("Пушкарева Е.А.", PUSHKAREVA),
        ("Пушкаревой Е.А.", PUSHKAREVA),
        ("Пушкаревой Е. А.", PUSHKAREVA),
        ("Е.А. Пушкарева", PUSHKAREVA),
        ("Е.А.Пушкаревой", PUSHKAREVA),
        ("начальника отдела Пушкареву Е.А.", PUSHKAREVA),
        ("Арбузова Л.Е.", ARBUZOVA),  # directory holds the full name
        ("Арбузовой Людмиле Евгеньевне", ARBUZOVA),
        ("Иванова П.С.", IVANOV),  # genitive of a man's surname
        ("Ивановой М.Н.", IVANOVA_MN),
        ("Иванова М.Н.", IVANOVA_MN),
    ],
)
def test_people_by_surname_and_initials(directory, text, person):
    found = directory.match(text)
    assert isinstance(found, OwnerMatch), found
    assert found.person_id == person
    assert found.organisation_ids == (directory.directory.people[person].organisation_id,)


@pytest.mark.parametrize(
    ("text", "org"),
    [
        ("отделу образования", EDU_AZOV),
        ("Отдел образования", EDU_AZOV),
        ("ГБПОУ РО «Таганрогский механический колледж»", COLLEGE),
        ("ГБПОУ РО \"Таганрогский механический колледж\"", COLLEGE),
        ("Таганрогскому механическому колледжу", COLLEGE),
        ("администрации г. Азова", AZOV),
        ("Азовскому району", AZOV_DISTRICT),
        ("Министерству общего и профессионального образования Ростовской области", MINISTRY),
        ("МБОУ СОШ № 2", SCHOOL_2),
    ],
)
def test_bodies_in_any_case(directory, text, org):
    found = directory.match(text)
    assert isinstance(found, OwnerMatch), found
    assert found.organisation_ids == (org,)
    assert found.person_id is None


@pytest.mark.parametrize(
    ("text", "group"),
    [
        ("Руководителям общеобразовательных организаций", OwnerGroup.ALL_SCHOOLS),
        ("руководители общеобразовательных учреждений", OwnerGroup.ALL_SCHOOLS),
        ("Директорам школ", OwnerGroup.ALL_SCHOOLS),
        ("Муниципальным органам управления образованием", OwnerGroup.ALL_MUNICIPALITIES),
        ("руководителей органов местного самоуправления, осуществляющих управление в сфере "
         "образования", OwnerGroup.ALL_MUNICIPALITIES),
        ("муниципальным образованиям", OwnerGroup.ALL_MUNICIPALITIES),
    ],
)
def test_addressee_groups(directory, text, group):
    found = directory.match(text)
    assert isinstance(found, OwnerMatch), found
    assert found.group == group


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Сидорову А.А.", "исполнитель «Сидорову А.А.» не найден в справочнике"),
        ("Управление культуры", "исполнитель «Управление культуры» не найден в справочнике"),
        ("Кузнецовой Ю.В.", "исполнитель «Кузнецовой Ю.В.» неоднозначен: Кузнецова Ю.В., "
                            "Кузнецова Ю.В."),
        ("школа № 7", "исполнитель «школа № 7» не найден в справочнике"),
        ("МБОУ СОШ", "исполнитель «МБОУ СОШ» неоднозначен: МБОУ СОШ № 1; МБОУ СОШ № 2"),
    ],
)
def test_unmatched_names_say_why(directory, text, reason):
    assert directory.match(text) == reason


def test_english_reasons():
    assert OwnerMatcher(Directory(ORGS, PEOPLE), locale="en").match("Сидорову А.А.") == (
        "owner «Сидорову А.А.» is not in the directory"
    )


# -- level rules ---------------------------------------------------------------------------

MUNICIPALITIES = [Target(AZOV_DISTRICT), Target(AZOV), Target(TAGANROG)]  # by name
SCHOOLS = [Target(SCHOOL_T), Target(SCHOOL_1), Target(SCHOOL_2)]


@pytest.mark.parametrize(
    ("owners", "level", "targets"),
    [
        ([], Level.REGIONAL, [Target(REGION)]),
        ([], Level.MUNICIPAL, MUNICIPALITIES),
        ([], Level.SCHOOL, SCHOOLS),
        ([], None, MUNICIPALITIES),  # the default level
        (["Пушкаревой Е.А."], Level.REGIONAL, [Target(MINISTRY, PUSHKAREVA)]),
        (["Пушкаревой Е.А.", "отделу образования"], Level.MUNICIPAL,
         [Target(MINISTRY, PUSHKAREVA), Target(EDU_AZOV)]),
        (["Руководителям общеобразовательных организаций"], Level.MUNICIPAL, SCHOOLS),
        (["Муниципальным органам управления образованием"], Level.SCHOOL, MUNICIPALITIES),
        (["администрации г. Азова"], Level.SCHOOL, [Target(SCHOOL_1), Target(SCHOOL_2)]),
        (["администрации г. Азова"], Level.MUNICIPAL, [Target(AZOV)]),
    ],
)
def test_resolve(directory, owners, level, targets):
    rules = directory.rules(default_level=Level.MUNICIPAL)
    result = directory.resolve(owners, level, rules)
    assert result.targets == targets
    assert result.unmatched == []
    assert result.by_rule == (not owners)


def test_unmatched_owner_is_kept_and_the_level_decides(directory):
    rules = directory.rules(default_level=Level.MUNICIPAL)
    result = directory.resolve(["Сидорову А.А.", "Управление культуры"], Level.REGIONAL, rules)
    assert result.unmatched == ["Сидорову А.А.", "Управление культуры"]
    assert result.targets == [Target(REGION)]
    assert result.by_rule
    assert result.warnings == [
        "исполнитель «Сидорову А.А.» не найден в справочнике",
        "исполнитель «Управление культуры» не найден в справочнике",
    ]


def test_one_matched_owner_is_enough(directory):
    rules = directory.rules(default_level=Level.MUNICIPAL)
    result = directory.resolve(["Сидорову А.А.", "Пушкаревой Е.А."], Level.MUNICIPAL, rules)
    assert result.targets == [Target(MINISTRY, PUSHKAREVA)]
    assert result.unmatched == ["Сидорову А.А."]
    assert not result.by_rule


def test_regional_owner_from_config(directory):
    rules = directory.rules(default_level=Level.MUNICIPAL, region="ростовская область",
                            regional_owner=ORGS[4].name)
    assert directory.resolve([], Level.REGIONAL, rules).targets == [Target(MINISTRY)]


def test_schools_missing_fall_back_to_municipalities():
    orgs = [o for o in ORGS if o.kind != OrgKind.SCHOOL]
    directory = OwnerMatcher(Directory(orgs))
    rules = directory.rules(default_level=Level.MUNICIPAL)
    result = directory.resolve([], Level.SCHOOL, rules)
    assert result.targets == MUNICIPALITIES
    assert result.warnings == ["в справочнике нет школ: поручено муниципалитетам"]
    named = directory.resolve(["Город Азов"], Level.SCHOOL, rules)
    assert named.targets == [Target(AZOV)]
    assert named.warnings == ["в справочнике нет школ организации «Город Азов»: поручено ей самой"]


@pytest.mark.parametrize(
    ("orgs", "kwargs", "problem"),
    [
        ([], {}, "в справочнике нет региона; сначала импортируйте организации"),
        ([OrgInfo(1, None, "Ростовская область", OrgKind.REGION),
          OrgInfo(2, None, "Краснодарский край", OrgKind.REGION)], {},
         "в справочнике несколько регионов; укажите import.region в конфигурации"),
        (ORGS, {"region": "Тверская область"},
         "регион import.region «Тверская область» не найден в справочнике"),
        (ORGS, {"regional_owner": "Минобр"},
         "import.regional_owner «Минобр» не найден в справочнике"),
    ],
)
def test_no_region_means_nobody_by_rule(orgs, kwargs, problem):
    directory = OwnerMatcher(Directory(orgs))
    rules = directory.rules(default_level=Level.MUNICIPAL, **kwargs)
    result = directory.resolve([], Level.REGIONAL, rules)
    assert result.targets == []
    assert result.warnings == [f"некому поручить: {problem}"]


def test_several_regions_with_one_named():
    orgs = [OrgInfo(1, None, "Ростовская область", OrgKind.REGION),
            OrgInfo(2, None, "Краснодарский край", OrgKind.REGION),
            OrgInfo(3, 2, "Город Сочи", OrgKind.MUNICIPALITY),
            OrgInfo(4, 1, "Город Азов", OrgKind.MUNICIPALITY)]
    directory = OwnerMatcher(Directory(orgs))
    rules = directory.rules(default_level=Level.MUNICIPAL, region="Краснодарский край")
    assert directory.resolve([], Level.MUNICIPAL, rules).targets == [Target(3)]
