import UserStreamCore

/// Small built-in word lists per nationality for the synthetic generator (names, streets, cities, states).
/// Written for this project; not randomuser's lists. Scripts follow generation.md: Persian for IR, Serbian Latin
/// with diacritics for RS, Latin transliteration for UA, accented Latin elsewhere.
/// The v1.4 nationalities, for fast per-nationality switches.
enum SyntheticNat: String, Sendable {
    case AU, BR, CA, CH, DE, DK, ES, FI, FR, GB, IE, IN, IR, MX, NL, NO, NZ, RS, TR, UA, US
}

final class SyntheticNationalityData: Sendable {
    let code: String
    let nat: SyntheticNat
    let country: String
    let maleFirst: [SyntheticWord]
    let femaleFirst: [SyntheticWord]
    let last: [SyntheticWord]
    let streets: [String]
    let cities: [String]
    let states: [String]

    init(
        _ code: String,
        male: [String],
        female: [String],
        last: [String],
        streets: [String],
        cities: [String],
        states: [String]
    ) {
        self.code = code
        self.nat = SyntheticNat(rawValue: code)!
        self.country = RandomUserNationalityNames.country(code)
        self.maleFirst = male.map(SyntheticWord.init)
        self.femaleFirst = female.map(SyntheticWord.init)
        self.last = last.map(SyntheticWord.init)
        self.streets = streets
        self.cities = cities
        self.states = states
    }

    /// All 21 v1.4 nationalities, in the API's index order.
    static let all: [SyntheticNationalityData] = [
        SyntheticNationalityData(
            "AU",
            male: ["Jack", "Oliver", "William", "Noah", "Thomas", "Lachlan", "Cooper", "Riley", "Liam", "Harrison"],
            female: ["Charlotte", "Olivia", "Mia", "Chloe", "Isla", "Zoe", "Ruby", "Matilda", "Grace", "Sienna"],
            last: ["Smith", "Jones", "Williams", "Brown", "Wilson", "Taylor", "Nguyen", "Kelly", "Walker", "Harris"],
            streets: ["George Street", "Pitt Street", "Bourke Street", "Queen Street", "Hay Street", "Murray Street"],
            cities: ["Sydney", "Melbourne", "Brisbane", "Perth", "Adelaide", "Hobart", "Darwin", "Bendigo"],
            states: ["New South Wales", "Victoria", "Queensland", "Western Australia", "South Australia", "Tasmania"]
        ),
        SyntheticNationalityData(
            "BR",
            male: ["João", "Antônio", "Sebastião", "Vinícius", "Caio", "Otávio", "Luís", "Célio", "Damião", "Rogério"],
            female: [
                "Lúcia", "Júlia", "Cecília", "Letícia", "Mônica", "Vitória", "Ângela", "Débora", "Flávia", "Inês",
            ],
            last: [
                "Araújo", "Gonçalves", "Gomes", "Ribeiro", "Conceição", "Peixoto", "Jesus", "Barbosa", "Melo",
                "Nascimento",
            ],
            streets: ["Rua São Jorge", "Avenida Brasil", "Rua da Paz", "Rua Três", "Rua Santa Luzia", "Rua São Paulo"],
            cities: ["São Paulo", "Belém", "Goiânia", "Maceió", "Florianópolis", "Cuiabá", "Teresina", "Macapá"],
            states: ["São Paulo", "Pará", "Goiás", "Alagoas", "Santa Catarina", "Mato Grosso", "Piauí", "Amapá"]
        ),
        SyntheticNationalityData(
            "CA",
            male: ["Logan", "Nathan", "Étienne", "Liam", "Benjamin", "Felix", "Owen", "Mathis", "Hunter", "Jacob"],
            female: ["Emma", "Léa", "Chloé", "Maëlle", "Ava", "Sophie", "Rosalie", "Abigail", "Madison", "Amélie"],
            last: ["Tremblay", "Gagnon", "Roy", "Côté", "Bouchard", "Gauthier", "Morin", "Lavoie", "Fortin", "Wong"],
            streets: ["King St", "Main St", "Richmond Ave", "Dundas Rd", "Lakeshore Rd", "Bay Ave"],
            cities: ["Toronto", "Montréal", "Vancouver", "Calgary", "Ottawa", "Québec", "Halifax", "Regina"],
            states: ["Ontario", "Québec", "British Columbia", "Alberta", "Nova Scotia", "Saskatchewan", "Manitoba"]
        ),
        SyntheticNationalityData(
            "CH",
            male: ["Luca", "Noé", "Léon", "Matteo", "Jérôme", "Timéo", "Loïc", "Valentin", "Samuel", "Cédric"],
            female: ["Léa", "Zoé", "Anaïs", "Chloé", "Mélanie", "Noémie", "Céline", "Laura", "Elena", "Aline"],
            last: ["Müller", "Meier", "Schmid", "Keller", "Weber", "Huber", "Brunner", "Fontaine", "Roux", "Girard"],
            streets: [
                "Rue de la Gare", "Bahnhofstrasse", "Rue du Lac", "Place du Marché", "Avenue de la Paix", "Grand-Rue",
            ],
            cities: ["Genève", "Lausanne", "Zürich", "Bern", "Neuchâtel", "Fribourg", "Sion", "Biel/Bienne"],
            states: ["Genève", "Vaud", "Zürich", "Bern", "Neuchâtel", "Fribourg", "Valais", "Graubünden"]
        ),
        SyntheticNationalityData(
            "DE",
            male: [
                "Jürgen", "Günther", "Lukas", "Jörg", "Björn", "Horst-Günter", "Maximilian", "Felix", "Sönke", "Uwe",
            ],
            female: ["Jana", "Käthe", "Sophie", "Jutta", "Bärbel", "Lea", "Hannelore", "Ursula", "Mia", "Gisela"],
            last: ["Müller", "Schäfer", "Schröder", "Köhler", "Weiß", "Krüger", "Hoffmann", "Wagner", "Böhm", "Korte"],
            streets: ["Schulstraße", "Hauptstraße", "Gartenstraße", "Mühlenweg", "Lindenstraße", "Bergstraße"],
            cities: ["München", "Köln", "Düsseldorf", "Nürnberg", "Lübeck", "Göttingen", "Würzburg", "Berlin"],
            states: [
                "Bayern", "Nordrhein-Westfalen", "Baden-Württemberg", "Thüringen", "Schleswig-Holstein", "Sachsen",
            ]
        ),
        SyntheticNationalityData(
            "DK",
            male: ["Søren", "Mads", "Jørgen", "Frederik", "Emil", "Rasmus", "Bjørn", "Anders", "Nikolaj", "Asger"],
            female: ["Sofie", "Ida", "Freja", "Mathilde", "Signe", "Astrid", "Mette", "Karoline", "Maja", "Liv"],
            last: [
                "Jensen", "Nielsen", "Hansen", "Pedersen", "Sørensen", "Møller", "Kjær", "Østergaard", "Lund", "Holm",
            ],
            streets: ["Vestergade", "Nørregade", "Søndergade", "Skovvej", "Strandvejen", "Kirkevej"],
            cities: ["København", "Århus", "Odense", "Aalborg", "Esbjerg", "Randers", "Kolding", "Næstved"],
            states: ["Hovedstaden", "Midtjylland", "Syddanmark", "Nordjylland", "Sjælland"]
        ),
        SyntheticNationalityData(
            "ES",
            male: ["José", "Iván", "Rubén", "Joaquín", "Ramón", "Andrés", "Héctor", "Adrián", "Óscar", "Jesús"],
            female: ["María", "Lucía", "Sofía", "Inés", "Begoña", "Mónica", "Verónica", "Raquel", "Nuria", "Ángela"],
            last: ["García", "Martínez", "López", "Sánchez", "Pérez", "Gómez", "Díaz", "Muñoz", "Jiménez", "Ibáñez"],
            streets: [
                "Calle Mayor", "Avenida de Andalucía", "Calle de Alcalá", "Paseo de Extremadura", "Calle del Pez",
                "Ronda de Toledo",
            ],
            cities: ["Madrid", "Málaga", "Córdoba", "Cádiz", "León", "Alcalá de Henares", "Logroño", "Almería"],
            states: ["Comunidad de Madrid", "Andalucía", "Castilla y León", "La Rioja", "Aragón", "Cataluña"]
        ),
        SyntheticNationalityData(
            "FI",
            male: ["Väinö", "Jyrki", "Eetu", "Onni", "Mikael", "Jaakko", "Elias", "Leevi", "Aatu", "Sisu"],
            female: ["Aino", "Eevi", "Siiri", "Hilla", "Minttu", "Elsa", "Veera", "Neea", "Iida", "Pihla"],
            last: [
                "Mäkinen", "Virtanen", "Hämäläinen", "Nieminen", "Järvinen", "Kärkkäinen", "Lehtonen", "Heikkinen",
                "Koskinen", "Räsänen",
            ],
            streets: ["Hämeenkatu", "Mannerheimintie", "Pyynikintie", "Tehtaankatu", "Visiokatu", "Aleksanterinkatu"],
            cities: ["Helsinki", "Tampere", "Jyväskylä", "Hämeenlinna", "Oulu", "Pori", "Seinäjoki", "Kemi"],
            states: ["Uusimaa", "Pirkanmaa", "Keski-Suomi", "Kanta-Häme", "Pohjois-Pohjanmaa", "Satakunta", "Lappi"]
        ),
        SyntheticNationalityData(
            "FR",
            male: ["Théo", "Clément", "Maël", "Noé", "Raphaël", "Gaëtan", "Jérémy", "Hugo", "Loïc", "Benoît"],
            female: ["Léa", "Chloé", "Inès", "Océane", "Maëlys", "Héloïse", "Camille", "Zoé", "Jeanne", "Anaïs"],
            last: [
                "Martin", "Bernard", "Dubois", "Lefèvre", "Girard", "Bonnet", "Mercier", "Lemoine", "Rousseau", "Faure",
            ],
            streets: [
                "Rue de la République", "Place du Château", "Rue Pasteur", "Avenue Jean-Jaurès", "Rue de l'Église",
                "Quai Chauveau",
            ],
            cities: ["Paris", "Lyon", "Orléans", "Besançon", "Nîmes", "Béziers", "Saint-Étienne", "Nancy"],
            states: ["Île-de-France", "Rhône", "Loiret", "Doubs", "Gard", "Hérault", "Loire", "Meurthe-et-Moselle"]
        ),
        SyntheticNationalityData(
            "GB",
            male: ["Harry", "George", "Alfie", "Oscar", "Archie", "Joshua", "Callum", "Rhys", "Dylan", "Reece"],
            female: ["Amelia", "Emily", "Poppy", "Isabelle", "Eleanor", "Freya", "Holly", "Imogen", "Evie", "Megan"],
            last: ["Smith", "Jones", "Evans", "Davies", "Hughes", "Clarke", "Wright", "Patel", "O'Connor", "Robinson"],
            streets: ["High Street", "Church Road", "Station Road", "Victoria Road", "Mill Lane", "The Crescent"],
            cities: ["London", "Manchester", "Leeds", "Bristol", "Cardiff", "Aberdeen", "Swansea", "Truro"],
            states: [
                "Greater London", "Greater Manchester", "West Yorkshire", "Avon", "South Glamorgan", "Grampian",
                "Cornwall",
            ]
        ),
        SyntheticNationalityData(
            "IE",
            male: ["Seán", "Ciarán", "Darragh", "Oisín", "Cian", "Pádraig", "Eoin", "Conor", "Liam", "Rónán"],
            female: ["Aoife", "Siobhán", "Niamh", "Saoirse", "Róisín", "Clodagh", "Orla", "Ciara", "Aisling", "Méabh"],
            last: [
                "Murphy", "Kelly", "O'Sullivan", "Walsh", "Byrne", "Ryan", "O'Brien", "Doyle", "McCarthy", "Gallagher",
            ],
            streets: [
                "Main Street", "Grafton Street", "Patrick Street", "Bridge Street", "Church Street", "Shop Street",
            ],
            cities: ["Dublin", "Cork", "Galway", "Limerick", "Waterford", "Kilkenny", "Sligo", "Ennis"],
            states: ["Dublin", "Cork", "Galway", "Limerick", "Waterford", "Kilkenny", "Sligo", "Clare"]
        ),
        SyntheticNationalityData(
            "IN",
            male: ["Aarav", "Vihaan", "Kahaan", "Arjun", "Rohan", "Ishaan", "Kabir", "Aditya", "Vivaan", "Reyansh"],
            female: ["Ananya", "Diya", "Saanvi", "Aadhya", "Isha", "Kavya", "Myra", "Prisha", "Riya", "Tara"],
            last: ["Sharma", "Patel", "Shetty", "Iyer", "Reddy", "Nair", "Gupta", "Kulkarni", "Chopra", "Menon"],
            streets: ["MG Road", "Station Road", "Nehru Marg", "Park Street", "Brigade Road", "Linking Road"],
            cities: ["Mumbai", "Pune", "Bengaluru", "Chennai", "Kolkata", "Jaipur", "Lucknow", "Kochi"],
            states: ["Maharashtra", "Karnataka", "Tamil Nadu", "West Bengal", "Rajasthan", "Uttar Pradesh", "Kerala"]
        ),
        SyntheticNationalityData(
            "IR",
            male: ["محمد", "علی", "رضا", "حسین", "امیر", "مهدی", "آرش", "کیان", "پارسا", "سینا"],
            female: ["زهرا", "فاطمه", "مریم", "سارا", "نازنین", "یسنا", "هستی", "نیکا", "ترانه", "آوا"],
            last: ["محمدی", "حسینی", "احمدی", "رضایی", "کریمی", "موسوی", "جعفری", "صادقی", "رحیمی", "نوری"],
            streets: ["شهید بهشتی", "آزادی", "ولیعصر", "انقلاب", "فردوسی", "حافظ"],
            cities: ["تهران", "مشهد", "اصفهان", "شیراز", "تبریز", "کرج", "یزد", "خوی"],
            states: ["تهران", "خراسان رضوی", "اصفهان", "فارس", "آذربایجان شرقی", "البرز", "یزد"]
        ),
        SyntheticNationalityData(
            "MX",
            male: ["José", "Raúl", "Martín", "Germán", "Ángel", "Sebastián", "Tomás", "Agustín", "Fermín", "Julián"],
            female: [
                "Guadalupe", "Lucía", "Ximena", "Valentina", "Renata", "Mónica", "Araceli", "Noemí", "Itzel", "Sofía",
            ],
            last: [
                "Hernández", "García", "Martínez", "López", "González", "Rodríguez", "Pérez", "Sánchez", "Ramírez",
                "Cruz",
            ],
            streets: [
                "Avenida Juárez", "Calle Hidalgo", "Boulevard Morelos", "Calle Zaragoza", "Avenida Reforma",
                "Privada Allende",
            ],
            cities: ["Querétaro", "Mérida", "Culiacán", "Tlaxcala", "Mazatlán", "Cancún", "Puebla", "León"],
            states: [
                "Querétaro", "Yucatán", "Sinaloa", "Tlaxcala", "Quintana Roo", "Puebla", "Guanajuato", "Michoacán",
            ]
        ),
        SyntheticNationalityData(
            "NL",
            male: ["Daan", "Sem", "Luuk", "Bram", "Thijs", "Jeroen", "Sjoerd", "Niels", "Ruud", "Gijs"],
            female: ["Saar", "Fleur", "Anouk", "Lieke", "Noor", "Femke", "Maaike", "Zoë", "Eline", "Sanne"],
            last: [
                "de Jong", "Jansen", "de Vries", "van den Berg", "Bakker", "Visser", "Smit", "Meijer", "de Boer",
                "Mulder",
            ],
            streets: ["Kerkstraat", "Dorpsstraat", "Molenweg", "Stationsweg", "Julianalaan", "Beatrixstraat"],
            cities: ["Amsterdam", "Utrecht", "Eindhoven", "Groningen", "Zwolle", "Den Bosch", "Leeuwarden", "Delft"],
            states: [
                "Noord-Holland", "Utrecht", "Noord-Brabant", "Groningen", "Overijssel", "Friesland", "Zuid-Holland",
            ]
        ),
        SyntheticNationalityData(
            "NO",
            male: ["Håkon", "Ørjan", "Øystein", "Jørgen", "Sindre", "Magnus", "Eirik", "Trygve", "Ståle", "Even"],
            female: ["Ingrid", "Åse", "Sølvi", "Kari", "Ragnhild", "Tiril", "Maren", "Hedda", "Synnøve", "Live"],
            last: ["Hansen", "Johansen", "Olsen", "Larsen", "Berg", "Haugen", "Bakke", "Strøm", "Sæther", "Aasen"],
            streets: [
                "Storgata", "Kirkegata", "Skolevegen", "Fjordveien", "Bjørnstjerne Bjørnsons gate", "Hagebyveien",
            ],
            cities: ["Oslo", "Bergen", "Trondheim", "Stavanger", "Tromsø", "Bodø", "Ålesund", "Lillehammer"],
            states: ["Oslo", "Vestland", "Trøndelag", "Rogaland", "Troms", "Nordland", "Møre og Romsdal", "Innlandet"]
        ),
        SyntheticNationalityData(
            "NZ",
            male: ["Oliver", "Jack", "Nikau", "Tama", "Hunter", "Ethan", "Mason", "Lucas", "Wiremu", "Blake"],
            female: ["Isla", "Ruby", "Aroha", "Mia", "Anahera", "Sophie", "Charlotte", "Grace", "Kaia", "Harper"],
            last: [
                "Wilson", "Thompson", "Walker", "Ngata", "Parata", "Taylor", "Anderson", "White", "Tūhoe", "Mitchell",
            ],
            streets: [
                "Queen Street", "Karangahape Road", "Cuba Street", "Colombo Street", "Princes Street", "Tay Street",
            ],
            cities: [
                "Auckland", "Wellington", "Christchurch", "Dunedin", "Hamilton", "Tauranga", "Napier", "Whanganui",
            ],
            states: ["Auckland", "Wellington", "Canterbury", "Otago", "Waikato", "Bay of Plenty", "Hawke's Bay"]
        ),
        SyntheticNationalityData(
            "RS",
            male: ["Ljubiša", "Dušan", "Miloš", "Đorđe", "Nikola", "Vuk", "Žarko", "Stevan", "Radovan", "Goran"],
            female: [
                "Jovana", "Milica", "Anđela", "Dragana", "Ljiljana", "Tijana", "Nataša", "Vesna", "Živana", "Ivana",
            ],
            last: [
                "Jovanović", "Petrović", "Nikolić", "Kojić", "Đukić", "Marković", "Ilić", "Stanković", "Pavlović",
                "Živković",
            ],
            streets: [
                "Kneza Miloša", "Bulevar Oslobođenja", "Cara Dušana", "Njegoševa", "Vojvode Stepe",
                "Svetozara Markovića",
            ],
            cities: ["Beograd", "Novi Sad", "Niš", "Kragujevac", "Subotica", "Čačak", "Šabac", "Užice"],
            states: [
                "Beograd", "Južnobački", "Nišavski", "Šumadijski", "Severnobački", "Moravički", "Mačvanski",
                "Zlatiborski",
            ]
        ),
        SyntheticNationalityData(
            "TR",
            male: ["Mehmet", "Ahmet", "Barış", "Çağrı", "Doğan", "Emre", "Gökhan", "İsmail", "Oğuz", "Şahin"],
            female: ["Ayşe", "Elif", "Gül", "Şebnem", "Çiğdem", "Özlem", "Büşra", "Nur", "İpek", "Zeynep"],
            last: ["Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Öztürk", "Aydın", "Özdemir", "Koç"],
            streets: ["Atatürk Sk", "İstiklal Cd", "Bağdat Cd", "Şehitler Cd", "Fatih Sk", "Kuşdili Cd"],
            cities: ["İstanbul", "Ankara", "İzmir", "Eskişehir", "Kırıkkale", "Şanlıurfa", "Muğla", "Çorum"],
            states: ["İstanbul", "Ankara", "İzmir", "Eskişehir", "Kırıkkale", "Şanlıurfa", "Muğla", "Çorum"]
        ),
        SyntheticNationalityData(
            "UA",
            male: [
                "Boris", "Taras", "Bohdan", "Oleksandr", "Yaroslav", "Mykola", "Andriy", "Vasyl", "Dmytro", "Ostap",
            ],
            female: [
                "Oksana", "Olena", "Iryna", "Nataliya", "Khrystyna", "Solomiya", "Yuliya", "Svitlana", "Myroslava",
                "Halyna",
            ],
            last: [
                "Ribalchenko", "Shevchenko", "Bondarenko", "Kovalenko", "Tkachenko", "Kravchuk", "Melnyk", "Boyko",
                "Lysenko", "Hnatyuk",
            ],
            streets: ["Shevchenka", "Khreshchatyk", "Franka", "Sadova", "Naberezhna", "Lesi Ukrayinki"],
            cities: ["Kyiv", "Lviv", "Odesa", "Kharkiv", "Dnipro", "Poltava", "Chernihiv", "Uzhhorod"],
            states: ["Kiyivska", "Lvivska", "Odeska", "Kharkivska", "Dnipropetrovska", "Poltavska", "Zakarpatska"]
        ),
        SyntheticNationalityData(
            "US",
            male: ["James", "Michael", "Robert", "David", "Daniel", "Tyler", "Brandon", "Kevin", "Travis", "Wyatt"],
            female: [
                "Jennifer", "Jessica", "Ashley", "Emily", "Madison", "Brittany", "Hannah", "Kayla", "Megan", "Lauren",
            ],
            last: [
                "Johnson", "Williams", "Miller", "Davis", "Rodriguez", "Martinez", "Anderson", "Jackson", "Lewis",
                "Young",
            ],
            streets: ["Main St", "Oak Ridge Ln", "Pecan Acres Ln", "W Sherman Dr", "Lakeview St", "Washington Ave"],
            cities: ["Austin", "Denver", "Portland", "Columbus", "Omaha", "Tucson", "Savannah", "Boise"],
            states: ["Texas", "Colorado", "Oregon", "Ohio", "Nebraska", "Arizona", "Georgia", "Idaho"]
        ),
    ]
}

/// A name together with the lower-case ASCII form used in e-mail addresses (computed once).
struct SyntheticWord: Sendable {
    let text: String
    let emailForm: String

    init(_ text: String) {
        self.text = text
        self.emailForm = Transliteration.emailForm(text)
    }
}

enum RandomUserNationalityNames {
    static func country(_ code: String) -> String {
        RandomUserNationality.countryNames[code] ?? code
    }
}
