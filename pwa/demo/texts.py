"""The Polish texts of the demo centre: names, places, goals, notes (data only, no logic).

Everything here is invented except the centre's own public description, which is quoted
from its page (seeds/000). Contacts of outside institutions are illustrative: a real centre
replaces the catalogue with its own.
"""

from __future__ import annotations

CENTRE_NAME = "Ośrodek Pomocy Społecznej w Bystrzycy Kłodzkiej"
CENTRE_SHORT_NAME = "OPS Bystrzyca Kłodzka"
CENTRE_ADDRESS = "ul. 1 Maja 1, 57-500 Bystrzyca Kłodzka"
CENTRE_PHONE = "74 8110 266"
CENTRE_EMAIL = "ops@bystrzycaklodzka.pl"
OFFICE_HOURS_PLACE = "OPS Bystrzyca Kłodzka, ul. 1 Maja 1"

PUBLIC_DESCRIPTION = "\n\n".join(
    (
        "Asysta rodzinna jest bezpłatną i dobrowolną formą wsparcia rodzin z dziećmi, do której"
        " kieruje pracownik socjalny po rozpoznaniu sytuacji rodziny. Przepisy dotyczące tej"
        " formy pomocy reguluje ustawa o wspieraniu rodziny i systemie pieczy zastępczej"
        " z dnia 9 czerwca 2011 r.",
        "Asystent rodziny pracuje z rodziną w miejscu jej zamieszkania lub miejscu przez nią"
        " wskazanym, w ustalonym okresie lub do czasu osiągnięcia celów. Asystentura rodziny"
        " polega na towarzyszeniu rodzinie z dziećmi w poszukiwaniu rozwiązań trudnej sytuacji"
        " życiowej z wykorzystaniem mocnych stron członków rodziny, zasobów rodziny,"
        " społeczności lokalnej i zasobów instytucjonalnych.",
        "Głównym celem asystentury jest podniesienie umiejętności opiekuńczo-wychowawczych,"
        " prowadzenia gospodarstwa domowego, radzenia z sytuacjami dnia codziennego rodziców"
        " lub opiekunów dzieci.",
        "Wspieranie rodziny jest prowadzone za jej zgodą i aktywnym udziałem, z uwzględnieniem"
        " zasobów własnych oraz źródeł wsparcia zewnętrznego. W celu skorzystania ze wsparcia"
        " w formie asystenta rodziny należy złożyć wniosek do Ośrodka Pomocy Społecznej"
        " w Bystrzycy Kłodzkiej.",
    )
)

# Staff: (first name, last name, gender, work phone, e-mail).
COORDINATOR = ("Anna", "Nowak", "f", "74 8111 785", "anna.nowak@ops-bystrzyca.example")
ASSISTANTS = {
    "katarzyna": (
        "Katarzyna",
        "Wiśniewska",
        "f",
        "600 123 456",
        "k.wisniewska@ops-bystrzyca.example",
    ),
    "marek": ("Marek", "Zieliński", "m", "600 234 567", "m.zielinski@ops-bystrzyca.example"),
    "joanna": ("Joanna", "Lewandowska", "f", "600 345 678", "j.lewandowska@ops-bystrzyca.example"),
}

# Social workers of the centre who refer families: (name, phone, e-mail).
SOCIAL_WORKERS = (
    ("Ewa Kaczmarek", "74 8111 785 wew. 21", "e.kaczmarek@ops-bystrzyca.example"),
    ("Beata Zając", "74 8111 785 wew. 22", "b.zajac@ops-bystrzyca.example"),
    ("Tomasz Kubiak", "74 8111 785 wew. 23", "t.kubiak@ops-bystrzyca.example"),
    ("Agnieszka Sobczak", "74 8111 785 wew. 24", "a.sobczak@ops-bystrzyca.example"),
)

# Families in roster order: (surname of a man, of a woman, of the family, address).
FAMILIES = (
    ("Kowalski", "Kowalska", "Kowalscy", "ul. Rycerska 12/3, 57-500 Bystrzyca Kłodzka"),
    ("Wójcik", "Wójcik", "Wójcikowie", "ul. Sienkiewicza 21/4, 57-500 Bystrzyca Kłodzka"),
    ("Kamiński", "Kamińska", "Kamińscy", "Gorzanów 57, 57-500 Bystrzyca Kłodzka"),
    ("Dąbrowski", "Dąbrowska", "Dąbrowscy", "ul. Kościelna 5/2, 57-500 Bystrzyca Kłodzka"),
    ("Szymański", "Szymańska", "Szymańscy", "ul. Okrzei 9/6, 57-500 Bystrzyca Kłodzka"),
    ("Woźniak", "Woźniak", "Woźniakowie", "Stary Waliszów 31, 57-500 Bystrzyca Kłodzka"),
    ("Kozłowski", "Kozłowska", "Kozłowscy", "ul. Mickiewicza 14/1, 57-500 Bystrzyca Kłodzka"),
    ("Jankowski", "Jankowska", "Jankowscy", "Wilkanów 88, 57-500 Bystrzyca Kłodzka"),
    ("Mazur", "Mazur", "Mazurowie", "ul. Kłodzka 30/5, 57-500 Bystrzyca Kłodzka"),
    ("Kwiatkowski", "Kwiatkowska", "Kwiatkowscy", "ul. Zdrojowa 4/2, 57-520 Długopole-Zdrój"),
    ("Krawczyk", "Krawczyk", "Krawczykowie", "ul. Wojska Polskiego 7/8, 57-500 Bystrzyca Kłodzka"),
    ("Piotrowski", "Piotrowska", "Piotrowscy", "Nowa Bystrzyca 19, 57-500 Bystrzyca Kłodzka"),
    ("Grabowski", "Grabowska", "Grabowscy", "ul. Strażacka 3/1, 57-500 Bystrzyca Kłodzka"),
    ("Pawłowski", "Pawłowska", "Pawłowscy", "ul. Kościuszki 11/2, 57-550 Stronie Śląskie"),
    ("Michalski", "Michalska", "Michalscy", "Pławnica 6, 57-500 Bystrzyca Kłodzka"),
    ("Król", "Król", "Królowie", "ul. Słoneczna 2, 57-500 Bystrzyca Kłodzka"),
    ("Wieczorek", "Wieczorek", "Wieczorkowie", "Wilkanów 140, 57-500 Bystrzyca Kłodzka"),
    ("Jabłoński", "Jabłońska", "Jabłońscy", "ul. Nadbrzeżna 8/3, 57-500 Bystrzyca Kłodzka"),
    ("Wróbel", "Wróbel", "Wróblowie", "ul. Zielona 3/7, 57-550 Stronie Śląskie"),
    ("Majewski", "Majewska", "Majewscy", "Gorzanów 102, 57-500 Bystrzyca Kłodzka"),
    ("Olszewski", "Olszewska", "Olszewscy", "ul. Szkolna 6/2, 57-500 Bystrzyca Kłodzka"),
    ("Stępień", "Stępień", "Stępniowie", "Ponikwa 24, 57-500 Bystrzyca Kłodzka"),
    ("Malinowski", "Malinowska", "Malinowscy", "ul. Kolejowa 15/4, 57-500 Bystrzyca Kłodzka"),
    ("Jaworski", "Jaworska", "Jaworscy", "Plac Wolności 9/5, 57-500 Bystrzyca Kłodzka"),
    ("Adamczyk", "Adamczyk", "Adamczykowie", "ul. Parkowa 2/1, 57-520 Długopole-Zdrój"),
    ("Dudek", "Dudek", "Dudkowie", "Stary Waliszów 77, 57-500 Bystrzyca Kłodzka"),
    ("Nowicki", "Nowicka", "Nowiccy", "ul. Międzyleśna 20/3, 57-500 Bystrzyca Kłodzka"),
    ("Pawlak", "Pawlak", "Pawlakowie", "ul. Morawka 5/1, 57-550 Stronie Śląskie"),
    ("Górski", "Górska", "Górscy", "Idzików 41, 57-500 Bystrzyca Kłodzka"),
    ("Sikora", "Sikora", "Sikorowie", "ul. Rycerska 30/2, 57-500 Bystrzyca Kłodzka"),
    ("Walczak", "Walczak", "Walczakowie", "Szczawina 12, 57-500 Bystrzyca Kłodzka"),
)

MOTHERS = [
    "Magdalena",
    "Agnieszka",
    "Justyna",
    "Monika",
    "Karolina",
    "Sylwia",
    "Ewelina",
    "Paulina",
    "Natalia",
    "Marta",
    "Dorota",
    "Aleksandra",
    "Kamila",
    "Patrycja",
]
FATHERS = [
    "Tomasz",
    "Paweł",
    "Łukasz",
    "Krzysztof",
    "Michał",
    "Grzegorz",
    "Dariusz",
    "Sebastian",
    "Rafał",
    "Mariusz",
    "Damian",
    "Artur",
]
GRANDMOTHERS = ["Halina", "Danuta", "Krystyna", "Teresa", "Bożena"]
GIRLS = [
    "Zuzanna",
    "Julia",
    "Maja",
    "Lena",
    "Hanna",
    "Oliwia",
    "Amelia",
    "Laura",
    "Alicja",
    "Wiktoria",
    "Zofia",
    "Pola",
    "Nikola",
]
BOYS = [
    "Jakub",
    "Antoni",
    "Szymon",
    "Filip",
    "Kacper",
    "Jan",
    "Franciszek",
    "Mikołaj",
    "Bartosz",
    "Igor",
    "Oliwer",
    "Wojciech",
    "Dawid",
]

REFERRAL_REASONS = (
    "Rodzina ma trudności w prowadzeniu gospodarstwa domowego i gospodarowaniu budżetem."
    " Zaległości w opłatach za mieszkanie grożą wypowiedzeniem umowy najmu."
    " Pracownik socjalny widzi potrzebę wsparcia w planowaniu wydatków.",
    "Szkoła zgłosiła częste nieobecności dzieci i brak kontaktu z rodziną. W wywiadzie"
    " środowiskowym okazało się, że rodzina nie radzi sobie z porannym wyjściem do szkoły.",
    "Rodzina utrzymuje się z zasiłków, nikt z dorosłych nie ma stałej pracy. W domu brakuje"
    " podstawowego wyposażenia, a dzieci nie mają miejsca do nauki.",
    "Rodzina ma trudności wychowawcze: dzieci nie słuchają poleceń, w domu często dochodzi"
    " do kłótni. Rodzina sama prosi o pomoc.",
    "Rodzina mieszka w zawilgoconym mieszkaniu komunalnym, dzieci często chorują. Dorośli"
    " nie wiedzą, jak załatwić zamianę lokalu i dodatek mieszkaniowy.",
    "Po utracie pracy rodzina popadła w długi. Pielęgniarka środowiskowa zwróciła uwagę"
    " na zaniedbania w opiece nad najmłodszym dzieckiem.",
    "Dorosły członek rodziny choruje przewlekle i ma trudność z codzienną opieką nad dziećmi."
    " Pracownik socjalny proponuje wsparcie w organizacji dnia i w kontaktach z lekarzami.",
    "Rodzina nie ma wsparcia bliskich i potrzebuje pomocy w opiece nad małym dzieckiem"
    " oraz w sprawach urzędowych.",
)
REFERRED_AWAITING_REASON = (
    "Rodzina zgłosiła się sama po pomoc w sprawie zadłużenia i zachowania dzieci."
    " Pracownik socjalny przeprowadził wywiad środowiskowy i wnioskuje o asystenta rodziny."
)
ZA_ZYCIEM_REASON = (
    "Rodzice wychowują kilkumiesięcznego syna urodzonego z ciężką wadą serca; mają"
    " zaświadczenie lekarskie, o którym mowa w art. 4 ust. 3 ustawy „Za życiem”."
    " Rodzina prosi o pomoc w dostępie do rehabilitacji, poradnictwa i świadczeń."
)
FOSTER_REASON = (
    "Postanowieniem Sądu Rejonowego w Kłodzku jedno z dzieci zostało czasowo umieszczone"
    " w rodzinie zastępczej. Celem pracy jest przywrócenie rodzinie zdolności do opieki"
    " i powrót dziecka do domu; rodzina deklaruje gotowość współpracy."
)
FOSTER_COORDINATOR = (
    "Monika Baran, koordynatorka rodzinnej pieczy zastępczej, PCPR w Kłodzku, tel. 74 865 57 10"
)
CASE_EVENT_REASONS = {
    "referred": "Zgłoszenie od pracownika socjalnego: {worker}.",
    "active": "Rodzina wyraziła zgodę na współpracę z asystentem rodziny.",
    "ended": "Cele planu osiągnięte; napisano ocenę końcową.",
    "monitoring": "Monitorowanie do {until:%d.%m.%Y}.",
}
FOSTER_PLAN_REFERENCE = "Plan pomocy dziecku (PCPR w Kłodzku)"
RELATION_LABELS = {"parent": "rodzic", "guardian": "opiekun prawny", "child": "dziecko"}

# Goals by area: (area, wording, tasks); a task is (action, owner, expected effect) and the
# owner is "adult", "child" (an older child, else the adult) or "assistant".
GOALS = (
    (
        "care",
        "Dzieci mają stały plan dnia i pory snu",
        (
            (
                "Spisać z dziećmi plan dnia i powiesić go w kuchni",
                "adult",
                "Dzieci wiedzą, o której wstają, jedzą i kładą się spać",
            ),
            (
                "Czytać młodszym dzieciom przed snem",
                "adult",
                "Dzieci zasypiają spokojniej, rodzic spędza z nimi czas",
            ),
            (
                "Pokazać spokojne sposoby stawiania granic podczas trzech wizyt",
                "assistant",
                "Rodzic reaguje na złe zachowanie bez krzyku",
            ),
        ),
    ),
    (
        "household",
        "W mieszkaniu jest czysto i bezpiecznie dla dzieci",
        (
            (
                "Ustalić grafik sprzątania, w którym każdy ma swoje zadanie",
                "adult",
                "Mieszkanie jest sprzątane co tydzień",
            ),
            (
                "Zdobyć łóżko dla najmłodszego dziecka przez parafialną zbiórkę",
                "assistant",
                "Każde dziecko ma własne miejsce do spania",
            ),
            (
                "Zabezpieczyć gniazdka i środki czystości przed małymi dziećmi",
                "adult",
                "W domu nie ma niebezpiecznych miejsc dla dzieci",
            ),
        ),
    ),
    (
        "household",
        "Rodzina gotuje ciepłe posiłki w domu",
        (
            (
                "Ułożyć jadłospis na tydzień i listę zakupów",
                "adult",
                "Zakupy są zaplanowane, mniej jedzenia się marnuje",
            ),
            (
                "Ugotować razem trzy proste i tanie obiady",
                "assistant",
                "Rodzic sam przygotowuje zdrowy obiad",
            ),
        ),
    ),
    (
        "budget",
        "Rodzina spłaca zaległości za mieszkanie",
        (
            (
                "Zebrać wszystkie rachunki i wypisać zaległości",
                "adult",
                "Rodzina wie, ile i komu jest winna",
            ),
            (
                "Złożyć w spółdzielni wniosek o rozłożenie długu na raty",
                "adult",
                "Dług jest rozłożony na raty, nie ma groźby eksmisji",
            ),
            (
                "Pójść z rodzicem na rozmowę w spółdzielni",
                "assistant",
                "Rodzic czuje się pewniej w rozmowie z urzędnikiem",
            ),
        ),
    ),
    (
        "budget",
        "Pieniędzy wystarcza do końca miesiąca",
        (
            (
                "Zapisywać wszystkie wydatki w zeszycie przez miesiąc",
                "adult",
                "Rodzina widzi, na co wydaje pieniądze",
            ),
            (
                "Sprawdzić prawo do dodatku mieszkaniowego i złożyć wniosek",
                "adult",
                "Rodzina dostaje należne świadczenia",
            ),
        ),
    ),
    (
        "work",
        "Jedno z rodziców ma stałą pracę",
        (
            (
                "Zarejestrować się w Powiatowym Urzędzie Pracy w Kłodzku",
                "adult",
                "Rodzic ma status bezrobotnego i ubezpieczenie zdrowotne",
            ),
            (
                "Napisać razem CV i przećwiczyć rozmowę o pracę",
                "assistant",
                "Rodzic ma gotowe CV i wie, czego się spodziewać na rozmowie",
            ),
            (
                "Wysłać co najmniej pięć zgłoszeń do pracy",
                "adult",
                "Rodzic chodzi na rozmowy kwalifikacyjne",
            ),
        ),
    ),
    (
        "health",
        "Dzieci mają aktualne szczepienia i bilanse",
        (
            (
                "Umówić dzieci na bilans u pediatry",
                "adult",
                "Dzieci są po bilansach i mają aktualne szczepienia",
            ),
            ("Przypominać SMS-em o terminach wizyt", "assistant", "Żadna wizyta nie przepada"),
        ),
    ),
    (
        "health",
        "Rodzic dba o swoje zdrowie",
        (
            (
                "Umówić wizytę w poradni zdrowia psychicznego w Kłodzku",
                "adult",
                "Rodzic ma stałą opiekę specjalisty",
            ),
            (
                "Chodzić na wizyty kontrolne i brać leki zgodnie z zaleceniem",
                "adult",
                "Rodzic ma siłę na codzienne obowiązki",
            ),
        ),
    ),
    (
        "school",
        "Dzieci codziennie chodzą do szkoły",
        (
            (
                "Budzić dzieci o 7:00 i odprowadzać je do szkoły",
                "adult",
                "Dzieci nie mają nieusprawiedliwionych nieobecności",
            ),
            (
                "Raz w miesiącu porozmawiać z wychowawczynią o frekwencji",
                "adult",
                "Rodzic wie, jak dziecko radzi sobie w szkole",
            ),
            (
                "Odrabiać lekcje codziennie po obiedzie",
                "child",
                "Dziecko ma zaliczone wszystkie przedmioty",
            ),
        ),
    ),
    (
        "school",
        "Dziecko dostaje pomoc w nauce",
        (
            (
                "Złożyć wniosek o badanie w poradni psychologiczno-pedagogicznej",
                "adult",
                "Dziecko ma opinię poradni i dostosowane wymagania",
            ),
            (
                "Zapisać dziecko do świetlicy środowiskowej",
                "adult",
                "Dziecko ma pomoc w odrabianiu lekcji",
            ),
        ),
    ),
    (
        "institutions",
        "Rodzina sama załatwia sprawy w urzędach",
        (
            (
                "Pokazać, jak złożyć wniosek o świadczenie przez internet",
                "assistant",
                "Rodzic samodzielnie składa wnioski przez internet",
            ),
            ("Założyć profil zaufany", "adult", "Rodzic załatwia sprawy bez wychodzenia z domu"),
        ),
    ),
    (
        "social",
        "Rodzina spędza razem wolny czas",
        (
            (
                "Raz w tygodniu wyjść razem na spacer albo na plac zabaw",
                "adult",
                "Rodzina ma stały, wspólny czas",
            ),
            (
                "Zapisać dzieci na zajęcia w Bystrzyckim Ośrodku Kultury",
                "adult",
                "Dzieci mają zajęcia po szkole",
            ),
        ),
    ),
    (
        "safety",
        "Kłótnie w domu kończą się bez krzyku i przemocy",
        (
            (
                "Chodzić na spotkania grupy wsparcia dla rodziców",
                "adult",
                "Rodzic zna sposoby radzenia sobie ze złością",
            ),
            (
                "Ustalić z rodziną plan bezpieczeństwa na trudne sytuacje",
                "assistant",
                "Rodzic wie, gdzie szukać pomocy",
            ),
        ),
    ),
)
ZA_ZYCIEM_GOAL = (
    "health",
    "Syn ma zapewnioną rehabilitację i opiekę lekarzy",
    (
        (
            "Złożyć wniosek o wczesne wspomaganie rozwoju",
            "adult",
            "Syn ma zajęcia z rehabilitantem co tydzień",
        ),
        (
            "Przygotować wniosek o jednorazowe świadczenie 4000 zł",
            "assistant",
            "Rodzina otrzymuje świadczenie „Za życiem”",
        ),
    ),
)
NEW_GOAL_V2 = (
    "social",
    "Rodzina spędza razem wolny czas",
    (
        (
            "Raz w tygodniu wyjść razem na spacer albo na plac zabaw",
            "adult",
            "Rodzina ma stały, wspólny czas",
        ),
    ),
)
DROP_REASON = "Zadanie okazało się nieaktualne po zmianie sytuacji rodziny."
CONSULTATION_REMARKS = "Pracownik socjalny zgadza się z planem, prosi o informację po ocenie."

HOME_NOTES = (
    "Omówiono realizację zadań z planu pracy. Rodzina wywiązała się z ustaleń z poprzedniej"
    " wizyty.",
    "Mieszkanie posprzątane, dzieci zadbane. Wspólnie ułożono jadłospis na najbliższy tydzień.",
    "Rozmowa o zachowaniu starszego dziecka w szkole. Rodzic skontaktuje się z wychowawczynią.",
    "Przejrzano rachunki i zeszyt wydatków. Zaległość za prąd zmalała, rodzina pilnuje"
    " terminów płatności.",
    "Rodzic mówi o trudnościach z usypianiem najmłodszego dziecka. Omówiono stałe pory"
    " i wieczorny rytuał.",
    "Pomoc w wypełnieniu wniosku o świadczenie rodzinne; wniosek złożono przez internet"
    " w trakcie wizyty.",
    "Dzieci pokazały zeszyty i oceny. Frekwencja się poprawiła, rodzina jest z tego dumna.",
    "Atmosfera w domu spokojniejsza niż miesiąc temu. Rodzicowi łatwiej zachować spokój,"
    " gdy dzieci się kłócą.",
    "Zepsuła się pralka. Przekazano informację pracownikowi socjalnemu w sprawie pomocy rzeczowej.",
    "Ćwiczenie planowania zakupów na tydzień. Rodzic sam policzył, ile może wydać dziennie.",
)
CLOSING_NOTES = (
    "Ustalono termin następnej wizyty i zadania na najbliższe dwa tygodnie.",
    "Rodzic zna swoje zadania do następnego spotkania.",
    "Następna wizyta zgodnie z harmonogramem.",
)
FIRST_VISIT_NOTE = (
    "Pierwsza wizyta: przedstawienie roli asystenta rodziny i zasad współpracy. Rodzina"
    " wyraziła zgodę na współpracę; omówiono jej oczekiwania."
)
CONSULTATION_NOTES = (
    "Konsultacja w ośrodku na prośbę rodzica. Omówiono pismo ze spółdzielni i przygotowano"
    " odpowiedź.",
    "Przygotowanie do rozmowy o pracę; przećwiczono pytania, które mogą paść.",
    "Rodzic przyszedł z pytaniami o dodatek mieszkaniowy. Przekazano listę potrzebnych dokumentów.",
)
PHONE_NOTES = (
    "Rozmowa telefoniczna: rodzic potwierdził, że dziecko było na bilansie u pediatry.",
    "Telefon w sprawie przełożenia wizyty; dziecko chore, rodzina zostaje w domu.",
    "Krótka rozmowa o szukaniu pracy. Rodzic ma umówioną rozmowę kwalifikacyjną.",
)
PHONE_PLACE = "Rozmowa telefoniczna"
# Accompanying: (place, note, others present).
ACCOMPANYING = (
    (
        "Poradnia Psychologiczno-Pedagogiczna w Kłodzku",
        "Towarzyszenie w poradni; ustalono termin badania dziecka.",
        "psycholog poradni",
    ),
    (
        "Powiatowy Urząd Pracy w Kłodzku",
        "Towarzyszenie w urzędzie pracy; rodzic zarejestrował się jako osoba bezrobotna.",
        "doradca zawodowy",
    ),
    (
        "Szkoła Podstawowa nr 1 w Bystrzycy Kłodzkiej",
        "Wspólna rozmowa z wychowawczynią i pedagogiem szkolnym o frekwencji dziecka.",
        "wychowawczyni, pedagog szkolny",
    ),
)
MONITORING_NOTE = (
    "Wizyta monitorująca. Rodzina radzi sobie samodzielnie: dzieci chodzą do szkoły,"
    " rachunki są opłacane na bieżąco. Nie zgłoszono nowych trudności."
)

MEETING_PLACES_OTHER = ("Szkoła Podstawowa nr 1 w Bystrzycy Kłodzkiej", "Przychodnia w Kłodzku")
CANCEL_REASON = "Rodzina poprosiła o przełożenie: dziecko zachorowało."

# Periodic assessment: one short sentence per field, two choices each.
ASSESSMENT = {
    "children_situation": (
        "Dzieci są zadbane i regularnie chodzą do szkoły.",
        "Dzieci mają zapewnione podstawowe potrzeby; młodsze wymaga więcej uwagi.",
    ),
    "care_and_upbringing": (
        "Rodzic coraz lepiej stawia granice i trzyma się planu dnia.",
        "Widać poprawę w spokojnym reagowaniu na trudne zachowania dzieci.",
    ),
    "household": (
        "Mieszkanie utrzymane w porządku, rodzina planuje zakupy.",
        "Porządek w domu nierówny, ale lepszy niż na początku pracy.",
    ),
    "finances": (
        "Dochód z zasiłków i pracy dorywczej; zaległości maleją.",
        "Rodzina prowadzi zeszyt wydatków i płaci rachunki w terminie.",
    ),
    "health": (
        "Dzieci po bilansach, szczepienia aktualne.",
        "Rodzic rozpoczął leczenie i chodzi na wizyty kontrolne.",
    ),
    "work": (
        "Rodzic zarejestrowany w urzędzie pracy, szuka zatrudnienia.",
        "Jedno z rodziców pracuje na umowę o pracę.",
    ),
    "school": (
        "Frekwencja dzieci powyżej 90%, kontakt ze szkołą dobry.",
        "Starsze dziecko korzysta z pomocy świetlicy w nauce.",
    ),
    "family_view": (
        "Rodzina ocenia współpracę dobrze i chce ją kontynuować.",
        "Rodzic mówi, że czuje się pewniej w sprawach urzędowych.",
    ),
    "strengths": (
        "Silna więź rodziców z dziećmi, pomoc dziadków.",
        "Gotowość do zmian i dotrzymywanie ustaleń.",
    ),
}
FINAL_ASSESSMENT = {
    "children_situation": "Dzieci są zadbane, chodzą regularnie do szkoły i na zajęcia.",
    "care_and_upbringing": "Rodzice samodzielnie i spokojnie wychowują dzieci.",
    "household": "Dom prowadzony samodzielnie, bez zaległości.",
    "finances": "Zadłużenie spłacone, budżet planowany co miesiąc.",
    "health": "Dzieci pod stałą opieką pediatry.",
    "work": "Oboje rodzice pracują.",
    "school": "Bez nieusprawiedliwionych nieobecności w tym półroczu.",
    "family_view": "Rodzina uważa, że poradzi sobie sama, i zgadza się na monitorowanie.",
    "strengths": "Wzajemne wsparcie, umiejętność proszenia o pomoc.",
}
PROGRESS_COMMENTS = (
    "Brak postępu.",
    "Pierwsze kroki, wymaga dalszej pracy.",
    "Częściowo osiągnięty.",
    "Wyraźna poprawa.",
    "Cel osiągnięty.",
)

# The centre's "Za życiem" catalogue: (category, name, description, address, phone, hours).
SUPPORT_SERVICES = (
    (
        "benefits",
        "Jednorazowe świadczenie z tytułu urodzenia się dziecka z ciężkim i nieodwracalnym"
        " upośledzeniem albo nieuleczalną chorobą zagrażającą życiu",
        "4000 zł wypłacane jednorazowo. Wniosek składa się w ciągu 12 miesięcy od urodzenia"
        " dziecka; potrzebne jest zaświadczenie lekarskie.",
        CENTRE_ADDRESS,
        CENTRE_PHONE,
        "pon.–pt. 7:30–15:30",
    ),
    (
        "legal",
        "Poradnictwo prawne – Powiatowe Centrum Pomocy Rodzinie w Kłodzku",
        "Porady w sprawach praw rodzicielskich, uprawnień pracowniczych i świadczeń.",
        "ul. Łużycka 4, 57-300 Kłodzko",
        "74 865 57 00",
        "pon.–pt. 8:00–15:00",
    ),
    (
        "psychological",
        "Punkt Interwencji Kryzysowej w Bystrzycy Kłodzkiej",
        "Bezpłatna pomoc psychologa dla rodziców w trudnej sytuacji.",
        "ul. H. Sienkiewicza 8, 57-500 Bystrzyca Kłodzka",
        "74 811 03 40",
        "wt. i czw. 12:00–18:00",
    ),
    (
        "rehabilitation",
        "Wczesne wspomaganie rozwoju dziecka – Poradnia Psychologiczno-Pedagogiczna",
        "Zajęcia z rehabilitantem, logopedą i psychologiem dla dzieci od urodzenia.",
        "ul. Wojska Polskiego 11, 57-300 Kłodzko",
        "74 867 32 15",
        "pon.–pt. 8:00–16:00",
    ),
    (
        "health",
        "Domowe hospicjum dla dzieci",
        "Opieka lekarza, pielęgniarki i psychologa w domu; także opieka perinatalna.",
        "ul. Szpitalna 1a, 57-300 Kłodzko",
        "74 865 46 00",
        "całodobowo",
    ),
    (
        "health",
        "Koordynowana opieka nad kobietą w ciąży",
        "Opieka położnej i lekarza w ciąży, porodzie i po porodzie.",
        "ul. Szpitalna 1a, 57-300 Kłodzko",
        "74 865 45 45",
        "pon.–pt. 8:00–18:00",
    ),
    (
        "other",
        "Orzeczenie o niepełnosprawności – Powiatowy Zespół do Spraw Orzekania"
        " o Niepełnosprawności",
        "Orzeczenie daje prawo m.in. do zasiłku pielęgnacyjnego i ulg.",
        "ul. Łużycka 4, 57-300 Kłodzko",
        "74 865 57 30",
        "pon.–pt. 8:00–15:00",
    ),
)
SUPPORT_REQUEST_OUTCOME = "Syn zakwalifikowany do wczesnego wspomagania, zajęcia co tydzień."

# Cooperation with institutions: (days ago, institution, purpose, outcome).
INSTITUTION_CONTACTS = (
    (
        40,
        "Szkoła Podstawowa nr 1 w Bystrzycy Kłodzkiej",
        "Rozmowa z pedagogiem szkolnym o frekwencji i zachowaniu syna.",
        "Szkoła co tydzień informuje rodzica o nieobecnościach.",
    ),
    (
        25,
        "Poradnia Psychologiczno-Pedagogiczna w Kłodzku",
        "Ustalenie terminu badania dziecka.",
        "Badanie wyznaczone, rodzic zna listę dokumentów.",
    ),
)
COURT = "Sąd Rejonowy w Kłodzku, III Wydział Rodzinny i Nieletnich"
COURT_OPINION_BODY = """\
Opinia o rodzinie {family}, {address}

Rodzina jest objęta wsparciem asystenta rodziny od {started}. W tym czasie odbyło się \
{visits} wizyt i spotkań. Rodzina współpracuje, dotrzymuje większości ustaleń i przyjmuje \
wskazówki.

Skład rodziny: {members}.

Plan pracy obejmuje: {goals}.

[Do uzupełnienia przez asystenta: ocena sytuacji dzieci i wnioski dla sądu.]
"""

# --- intake: families on the way from the request to the plan (demo_data.Loader.intake) -----

# (his surname, hers, the family, address), in the order of the steps of intake.
INTAKE_FAMILIES = (
    ("Pawlak", "Pawlak", "Pawlakowie", "ul. Strażacka 4/2, 57-500 Bystrzyca Kłodzka"),
    ("Michalski", "Michalska", "Michalscy", "Długopole Górne 18, 57-520 Długopole-Zdrój"),
    ("Król", "Król", "Królowie", "ul. Okrzei 9/5, 57-500 Bystrzyca Kłodzka"),
    ("Wieczorek", "Wieczorek", "Wieczorkowie", "Wilkanów 61, 57-500 Bystrzyca Kłodzka"),
    ("Jabłoński", "Jabłońska", "Jabłońscy", "ul. Kościuszki 27/1, 57-500 Bystrzyca Kłodzka"),
    ("Wróbel", "Wróbel", "Wróblowie", "Stara Łomnica 33, 57-500 Bystrzyca Kłodzka"),
    ("Sikora", "Sikora", "Sikorowie", "Gorzanów 112, 57-500 Bystrzyca Kłodzka"),
)
INTAKE_REASONS = (
    "Matka sama wychowuje dwoje dzieci, nie radzi sobie z organizacją dnia i opłatami.",
    "Szkoła zgłasza częste nieobecności syna; w domu brakuje stałych zasad.",
    "Rodzina po eksmisji, zaległości w opłatach, młodsze dziecko często choruje.",
    "Ojciec stracił pracę, rodzice kłócą się o pieniądze, córka ma trudności w szkole.",
    "Młoda matka z niemowlęciem, bez wsparcia bliskich, prosi o pomoc w opiece.",
    "Dzieci bywają same w domu wieczorami; rodzice pracują na zmiany.",
    "Rodzina wróciła z zagranicy, dzieci nie mówią dobrze po polsku i nie chodzą do szkoły.",
)

# The contracted organisation (the Częstochowa model): the centre hands a family's work over,
# and the organisation's coordinator assigns one of its own assistants.
ORGANISATION = (
    "Stowarzyszenie Wspierania Rodzin „Razem” w Bystrzycy Kłodzkiej",
    "Stowarzyszenie „Razem”",
    "ul. Sienkiewicza 12, 57-500 Bystrzyca Kłodzka",
    "74 8110 455",
    "biuro@razem-bystrzyca.example",
)
ORGANISATION_STAFF = {
    "organisation_coordinator": (
        "Beata",
        "Kaczmarek",
        "f",
        "74 8110 456",
        "b.kaczmarek@razem-bystrzyca.example",
    ),
    "organisation_assistant": (
        "Tomasz",
        "Mazur",
        "m",
        "603 210 880",
        "t.mazur@razem-bystrzyca.example",
    ),
}
SITUATION_ANALYSES = (
    "Wywiad potwierdził trudności opiekuńczo-wychowawcze: brak rytmu dnia, zaległe opłaty"
    " za mieszkanie, dzieci bez stałej opieki po szkole. Matka jest otwarta na pomoc i sama"
    " mówi, że potrzebuje wsparcia. Wsparcie asystenta rodziny jest zasadne.",
    "Rodzina ma mieszkanie i stały dochód z zasiłków, ale wydatki przekraczają budżet. Syn"
    " opuszcza lekcje, rodzice nie utrzymują kontaktu ze szkołą. Mocne strony: więź z dziećmi,"
    " pomoc babci. Wnioskuję o przydzielenie asystenta rodziny.",
    "Sytuacja mieszkaniowa rodziny jest trudna, zdrowie młodszego dziecka wymaga regularnych"
    " wizyt w poradni, o których rodzice zapominają. Rodzice chcą zmiany, lecz nie wiedzą,"
    " od czego zacząć.",
)
DIRECTOR_REFERENCE = "OPS.4011.{n}.{year}"
TEAM_PARTICIPANTS = (
    "Anna Nowak, koordynatorka asystentów rodziny",
    "{worker}, pracownik socjalny",
    "Marta Górska, psycholog",
    "Piotr Lis, pedagog szkolny",
)
TEAM_DEFICITS = "Brak rytmu dnia i stałych zasad, zaległości w opłatach, słaby kontakt ze szkołą."
TEAM_RESOURCES = (
    "Rodzice troszczą się o dzieci i chcą zmiany; pomoc babci; dzieci chętnie chodzą na zajęcia"
    " w świetlicy."
)
TEAM_REMARKS = "Asystent w pierwszej kolejności pomoże uporządkować sprawy w szkole i opłaty."
EXPECTATIONS = (
    "„Chcę, żeby ktoś mi pomógł ogarnąć rachunki i żeby syn znów chodził do szkoły.”",
    "„Potrzebujemy pomocy z urzędami, sami się w tym gubimy.”",
    "„Chciałabym nauczyć się, jak mówić do córki, żeby mnie słuchała bez krzyku.”",
)
