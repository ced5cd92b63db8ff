"""Vocabulary shared by metrics, pages and exports: one place for labels and phrases."""
CLIENT_GROUPS = {
    "older_people": "Older people",
    "dementia": "Dementia",
    "learning_disability": "Learning disability",
    "physical_sensory": "Physical and sensory disability",
    "mental_health": "Mental health",
    "substance_misuse": "Substance misuse",
    "carers": "Carers",
}

# measure key -> (short label, phrase used in sentences: "the number of <people> with <phrase>")
MEASURES = {
    "population": ("Population", "residents"),
    "dementia": ("Dementia", "people with dementia"),
    "learning_disability": ("Learning disability", "people with a learning disability"),
    "learning_disability_living_with_parent": ("Learning disability, living with a parent",
                                               "people with a learning disability living with a parent"),
    "physical_disability_moderate": ("Moderate physical disability", "people with a moderate physical disability"),
    "physical_disability_serious": ("Serious physical disability", "people with a serious physical disability"),
    "visual_impairment_serious": ("Serious visual impairment", "people with a serious visual impairment"),
    "hearing_impairment_moderate_severe": ("Moderate or severe hearing impairment",
                                           "people with a moderate or severe hearing impairment"),
    "hearing_impairment_profound": ("Profound hearing impairment", "people with a profound hearing impairment"),
    "psychotic_disorder": ("Psychotic disorder", "people with a psychotic disorder"),
    "two_or_more_psychiatric_disorders": ("Two or more psychiatric disorders",
                                          "people with two or more psychiatric disorders"),
    "common_mental_disorder": ("Common mental disorder", "people with a common mental disorder"),
    "alcohol_dependence": ("Alcohol dependence", "people dependent on alcohol"),
    "drug_dependence": ("Drug dependence", "people dependent on drugs"),
    "unpaid_carers": ("Unpaid carers", "people providing unpaid care"),
    "unpaid_carers_50_plus_hours": ("Unpaid carers, 50+ hours a week",
                                    "people providing 50 or more hours of unpaid care a week"),
}

SETTINGS = {
    "all": "All services", "nursing": "Nursing care", "residential": "Residential care",
    "supported_living": "Supported living", "shared_lives": "Shared Lives",
    "extra_care": "Extra care housing", "day_care": "Day care", "home_care": "Home care",
    "direct_payment": "Direct payment", "carers_register": "Carers on register",
    "carers_supported": "Carers supported", "carers_new_contacts": "New carer contacts",
    "in_treatment_alcohol": "In treatment (alcohol)", "in_treatment_drugs": "In treatment (drugs)",
}

SUPPRESSION_THRESHOLD = 5


def age_phrase(age_band: str) -> str:
    if age_band.endswith("+"):
        return f"aged {age_band[:-1]} and over"
    return f"aged {age_band}"


def measure_label(measure: str) -> str:
    return MEASURES.get(measure, (measure.replace("_", " ").capitalize(), measure))[0]
