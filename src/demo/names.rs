//! Word lists for realistic demo data in Polish and English.

pub const PL_FIRST_NAMES: &[&str] = &[
    "Aleksandra",
    "Agnieszka",
    "Małgorzata",
    "Katarzyna",
    "Zofia",
    "Joanna",
    "Magdalena",
    "Ewa",
    "Łucja",
    "Żaneta",
    "Piotr",
    "Krzysztof",
    "Tomasz",
    "Paweł",
    "Michał",
    "Łukasz",
    "Grzegorz",
    "Jędrzej",
    "Bartłomiej",
    "Wojciech",
];
pub const PL_SURNAMES: &[&str] = &[
    "Nowak",
    "Kowalczyk",
    "Wiśniewska",
    "Wójcik",
    "Kamińska",
    "Lewandowski",
    "Zieliński",
    "Szymańska",
    "Woźniak",
    "Dąbrowski",
    "Kozłowska",
    "Jankowski",
    "Mazur",
    "Krawczyk",
    "Piątek",
    "Grabowski",
    "Pawłowska",
    "Michalski",
    "Król",
    "Wieczorek",
    "Jabłońska",
    "Wróbel",
    "Nowakowski",
    "Majewska",
    "Olszewski",
    "Stępień",
    "Jaworska",
];
pub const EN_FIRST_NAMES: &[&str] =
    &["Oliver", "Amelia", "George", "Isla", "Harry", "Ava", "Jack", "Emily", "Charlotte", "Thomas", "Sophie", "James"];
pub const EN_SURNAMES: &[&str] = &[
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel", "Robinson", "Wright",
    "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood", "Clarke",
];

pub const PL_TRADES: &[&str] = &[
    "Piekarnia",
    "Cukiernia",
    "Kawiarnia",
    "Bistro",
    "Hurtownia",
    "Sklep spożywczy",
    "Restauracja",
    "Pizzeria",
    "Catering",
    "Delikatesy",
    "Gospoda",
    "Bar mleczny",
];
pub const PL_LEGAL_FORMS: &[&str] = &["sp. z o.o.", "s.c.", "sp.j.", "S.A."];
pub const EN_TRADES: &[&str] = &["Bakery", "Catering", "Coffee House", "Kitchen", "Foods", "Provisions", "Deli"];
pub const EN_LEGAL_FORMS: &[&str] = &["Ltd", "LLP", "& Co. Ltd"];

/// (street, postal code, city)
pub const PL_PLACES: &[(&str, &str, &str)] = &[
    ("ul. Marszałkowska", "00-624", "Warszawa"),
    ("ul. Piotrkowska", "90-406", "Łódź"),
    ("ul. Świętojańska", "81-368", "Gdynia"),
    ("ul. Floriańska", "31-019", "Kraków"),
    ("ul. Półwiejska", "61-888", "Poznań"),
    ("ul. Świdnicka", "50-066", "Wrocław"),
    ("al. Grunwaldzka", "80-241", "Gdańsk"),
    ("ul. Żeromskiego", "26-600", "Radom"),
    ("ul. Lipowa", "15-424", "Białystok"),
    ("ul. Mariacka", "40-014", "Katowice"),
    ("ul. Długa", "85-034", "Bydgoszcz"),
    ("ul. Wojska Polskiego", "70-470", "Szczecin"),
];
pub const GB_PLACES: &[(&str, &str, &str)] = &[
    ("High Street", "SW1A 1AA", "London"),
    ("Market Street", "M1 1PW", "Manchester"),
    ("King Street", "LS1 2HL", "Leeds"),
    ("Queen Street", "EH2 1JX", "Edinburgh"),
    ("Church Road", "BS1 4DJ", "Bristol"),
];
pub const DE_PLACES: &[(&str, &str, &str)] = &[
    ("Friedrichstraße", "10117", "Berlin"),
    ("Königstraße", "70173", "Stuttgart"),
    ("Zeil", "60313", "Frankfurt am Main"),
];

/// (sku, name, unit, unit price in grosze, VAT in basis points, still sold)
pub const PRODUCTS: &[(&str, &str, &str, i64, i64, bool)] = &[
    ("MAK-650-25", "Mąka pszenna typ 650, 25 kg", "szt.", 8_900, 500, true),
    ("MAK-2000-10", "Mąka żytnia razowa typ 2000, 10 kg", "szt.", 5_400, 500, true),
    ("DRO-SW-1", "Drożdże świeże, 1 kg", "szt.", 1_250, 500, true),
    ("CUK-KRY-10", "Cukier kryształ, 10 kg", "szt.", 3_990, 500, true),
    ("MAS-EKS-5", "Masło ekstra 82%, 5 kg", "szt.", 21_500, 500, true),
    ("JAJ-L-180", "Jaja kurze L, 180 szt.", "op.", 14_400, 500, true),
    ("MLE-32-10", "Mleko 3,2%, 10 l", "op.", 3_290, 500, true),
    ("SER-GOU-3", "Ser gouda w bloku, 3 kg", "szt.", 8_700, 500, true),
    ("KAW-ZIA-1", "Kawa ziarnista Arabica, 1 kg", "szt.", 7_900, 2300, true),
    ("HER-CZA-100", "Herbata czarna ekspresowa, 100 szt.", "op.", 1_890, 2300, true),
    ("KUB-250-1000", "Kubki papierowe 250 ml, 1000 szt.", "karton", 18_900, 2300, true),
    ("POK-80-1000", "Pokrywki do kubków 80 mm, 1000 szt.", "karton", 9_900, 2300, true),
    ("SER-3W-2000", "Serwetki trzywarstwowe, 2000 szt.", "karton", 11_500, 2300, true),
    ("PAP-PIE-50", "Papier do pieczenia 40 × 60 cm, 500 ark.", "op.", 6_400, 2300, true),
    ("REK-NIT-100", "Rękawice nitrylowe M, 100 szt.", "op.", 2_490, 800, true),
    ("PLY-NAC-5", "Płyn do mycia naczyń, 5 l", "szt.", 2_990, 2300, true),
    ("OLE-RZE-10", "Olej rzepakowy, 10 l", "szt.", 7_600, 500, true),
    ("CZE-GOR-25", "Czekolada gorzka 70% do wypieków, 2,5 kg", "szt.", 16_800, 500, true),
    ("ORZ-WLO-1", "Orzechy włoskie łuskane, 1 kg", "szt.", 5_900, 500, true),
    ("ROD-SUL-1", "Rodzynki sułtańskie, 1 kg", "szt.", 2_700, 500, true),
    ("SOL-MOR-5", "Sól morska drobna, 5 kg", "szt.", 1_650, 500, true),
    ("TAC-KAR-100", "Tacki kartonowe 20 × 30 cm, 100 szt.", "op.", 4_200, 2300, true),
    ("TOR-PAP-500", "Torby papierowe z uchwytem, 500 szt.", "karton", 24_900, 2300, true),
    ("ETK-CEN-10", "Etykiety cenowe, 10 rolek", "op.", 3_100, 2300, true),
    ("SYR-KLO-1", "Syrop klonowy, 1 l", "szt.", 6_900, 800, true),
    ("KAK-NAT-1", "Kakao naturalne, 1 kg", "szt.", 4_800, 500, true),
    ("WAN-BUR-25", "Laski wanilii Bourbon, 25 szt.", "op.", 19_900, 500, false),
    ("FOL-SPO-300", "Folia spożywcza 45 cm × 300 m", "szt.", 3_600, 2300, true),
    ("TER-WAF-1", "Termometr kuchenny z sondą", "szt.", 8_900, 2300, false),
    ("BLA-PER-60", "Blacha perforowana 60 × 40 cm", "szt.", 12_900, 2300, true),
];
