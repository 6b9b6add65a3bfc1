"""Word lists of the course corpus generator (:mod:`course_lib.corpus.generate`).

Everything is a tuple so that drawing ``items[rng.integers(len(items))]`` is deterministic.
Multi-word values are written with spaces; they become one slot span (``B-`` then ``I-``).
City names in :data:`HELDOUT_CITIES` never appear in the training split.
"""

TRAIN_CITIES = (
    "atlanta", "baltimore", "bangkok", "beijing", "boston", "charlotte", "chicago",
    "cleveland", "dallas", "denver", "detroit", "frankfurt", "hong kong", "houston",
    "kansas city", "kaohsiung", "las vegas", "london", "los angeles", "memphis", "miami",
    "minneapolis", "montreal", "nashville", "new york", "oakland", "orlando", "osaka",
    "paris", "philadelphia", "phoenix", "pittsburgh", "portland", "saint louis",
    "salt lake city", "san diego", "san francisco", "seattle", "seoul", "shanghai",
    "singapore", "sydney", "taipei", "tampa", "tokyo", "toronto", "vancouver", "washington",
    "anchorage", "austin", "honolulu", "raleigh", "sacramento", "buffalo", "albuquerque",
    "colorado springs", "des moines", "jacksonville", "long beach", "san antonio",
    "santa barbara", "newark", "burbank", "mexico city", "fukuoka", "nagoya", "hangzhou",
    "macau", "jakarta", "melbourne", "dublin", "madrid", "zurich",
)
HELDOUT_CITIES = (
    "cincinnati", "columbus", "fort worth", "hanoi", "indianapolis", "kuala lumpur",
    "manila", "milwaukee", "new orleans", "oklahoma city", "rome", "san jose", "tacoma",
    "taichung", "tainan", "louisville", "tucson", "el paso", "kyoto", "busan", "boise",
    "spokane", "omaha", "okinawa", "xiamen", "santa fe",
)
AIRLINES = (
    "air canada", "alaska airlines", "american airlines", "british airways", "cathay pacific",
    "china airlines", "continental", "delta", "eva air", "japan airlines", "korean air",
    "lufthansa", "northwest", "singapore airlines", "southwest", "united", "us air",
)
MONTHS = (
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december",
)
_ORD_WORDS = (
    "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
    "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth",
    "seventeenth", "eighteenth", "nineteenth", "twentieth",
)
_ORD_DIGITS = tuple(
    f"{d}{'st' if d % 10 == 1 and d != 11 else 'nd' if d % 10 == 2 and d != 12 else 'rd' if d % 10 == 3 and d != 13 else 'th'}"
    for d in range(1, 32)
)
# (text, day of month) pairs, so that dates stay valid ("february 30th" never occurs)
DAY_NUMBERS = tuple(zip(_ORD_DIGITS, range(1, 32), strict=True)) + tuple(
    zip(_ORD_WORDS + tuple(f"twenty {w}" for w in _ORD_WORDS[:9]) + ("thirtieth", "thirty first"),
        range(1, 32), strict=True))
MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
TODAY_RELATIVE = ("today", "tomorrow")
DATE_RELATIVE = ("next", "this")
PERIODS = ("morning", "afternoon", "evening", "night")
TIMES = (
    "6 am", "7 am", "7:30 am", "8 am", "8:15 am", "9 am", "10 am", "11 am", "noon", "1 pm",
    "2 pm", "3 pm", "3:45 pm", "4 pm", "5 pm", "6 pm", "6:30 pm", "7 pm", "8 pm", "9 pm",
    "10 pm", "midnight", "8 o'clock", "10 o'clock",
)
TIME_RELATIVE = ("before", "after", "around", "no later than")
CLASSES = ("first class", "business class", "economy", "economy class", "coach",
           "premium economy")
ROUND_TRIP = ("round trip", "one way")
COST_RELATIVE = ("cheapest", "lowest", "least expensive")
FARE_RELATIVE = ("under", "less than", "below")
FARE_AMOUNTS = ("200 dollars", "300 dollars", "450 dollars", "500 dollars", "1000 dollars")
FLIGHT_STOP = ("nonstop", "direct")
FLIGHT_MOD = ("first", "last", "earliest", "latest")
PASSENGERS = ("2", "3", "4", "two", "three", "four", "five")

# Template phrases of ordinary requests (intent in the comment).
ONE_CITY_LEADS = ("show me flights", "list all flights", "what flights go",
                  "are there any flights", "i need a flight")  # flight
FLIGHT_LEADS = (  # (lead, noun) with optional modifiers in between; flight
    ("show me", "flights"), ("list", "flights"), ("could you show me", "flights"),
    ("can you find me a", "flight"), ("i am looking for a", "flight"),
    ("please show me", "flights"), ("what are the", "flights"), ("are there any", "flights"),
    ("i need a", "flight"), ("i want a", "flight"), ("i would like a", "flight"),
    ("find me a", "flight"), ("please find a", "flight"), ("is there a", "flight"),
    ("give me", "flights"), ("i need to book a", "flight"),
)
POLITE_ENDINGS = ("please", "thank you", "thanks")
STOP_PHRASES = ("with a stop in", "via", "connecting in")
PASSENGER_NOUNS = ("people", "passengers", "adults")
PRICE_LEADS = ("how much is a", "what is the price of a", "how much does a")  # airfare
COST_LEADS = ("what is the", "show me the", "i want the")  # airfare
FARE_NOUNS = ("fare", "airfare", "ticket")
FARE_LEADS = ("show me fares", "list fares", "are there fares")  # airfare
AIRLINE_LEADS = ("which airlines fly", "what airlines have flights", "which airline has a flight",
                 "tell me the airlines that fly", "what airlines go")  # airline

# The lecture's cue words: a city right after an arrive-type verb is the destination
# (toloc), right after a leave-type verb the origin (fromloc).
ARRIVE_VERBS = ("arrive", "arriving", "land", "landing", "reach", "reaching")
LEAVE_VERBS = ("leave", "leaving", "depart", "departing")
# (base form phrase, -ing form phrase) pairs; the last word before the city may be a
# preposition, which helpers skip when they look for the cue.
ARRIVE_PHRASES = (("arrive in", "arriving in"), ("arrive at", "arriving at"),
                  ("land in", "landing in"), ("reach", "reaching"), ("arrive", "arriving"))
LEAVE_PHRASES = (("leave", "leaving"), ("depart from", "departing from"),
                 ("depart", "departing"), ("leave from", "leaving from"))
CUE_SKIP = ("in", "at", "from")
BASE_PREFIXES = ("", "i want to", "i would like to", "i need to", "i have to", "i plan to",
                 "we need to", "i will", "we want to", "my family wants to", "i hope to")
ING_PREFIXES = ("show me flights", "i need a flight", "list flights", "are there flights",
                "find me a flight", "what flights are", "i am", "we are", "is there a flight")
# Speech-style fillers a cue may be separated from its city by (`cases.is_left_cue_case` skips them).
FILLERS = ("uh", "um", "well", "like", "really", "actually", "so", "just", "please", "maybe",
           "basically", "hmm", "okay", "now", "then", "also")

# Right-context cues: the city comes first, the word that decides its role after it.
RIGHT_TO = {
    "is": ("is where i want to arrive", "is where i will land", "is where i am going",
           "is my destination", "is my final destination", "is where i need to arrive"),
    "as": ("as my destination", "as the destination", "as my arrival city",
           "as my final destination"),
}
RIGHT_FROM = {
    "is": ("is where i want to depart from", "is where i will leave from",
           "is where i am leaving from", "is my origin", "is my departure city",
           "is where i need to depart from"),
    "as": ("as my origin", "as the origin", "as my departure city", "as my starting point"),
}
RIGHT_PREFIXES = {
    "is": ("", "i think", "well", "okay so", "so", "for this trip"),
    "as": ("i want", "book a flight with", "please use", "i need a ticket with",
           "put down", "i would like", "i want a flight with"),
}
# The first of these words after the city decides its role (used to check the corpus).
RIGHT_CUE_ROLE = {"arrive": "toloc", "land": "toloc", "going": "toloc", "destination": "toloc",
                  "arrival": "toloc", "depart": "fromloc", "leave": "fromloc",
                  "leaving": "fromloc", "origin": "fromloc", "departure": "fromloc",
                  "starting": "fromloc"}
