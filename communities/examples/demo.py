"""A deterministic DEMO dataset: two invented districts' high-school innovation networks.

``demo_communities()`` returns two documents in the community-file format
(docs/community-file.md). Each holds a District Innovation Design Team (DIDT), three
School Innovation Design Teams (SIDTs) whose coordinators also sit on the DIDT, two
school years of membership changes, ramps of PDSA cycles, measures with weekly data,
artifacts adapted from school to school, and the learning links between all of them.
Every name is invented. A fixed seed makes the output identical on every run.

``python -m communities.examples.demo`` prints both documents as YAML.
"""

from __future__ import annotations

import random
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import yaml

FORMAT = "nic-community/1"
SEED = 4127
TODAY = date(2026, 4, 17)  # the demo's "now": spring of the second school year
YEAR1_START, YEAR1_END = date(2024, 8, 1), date(2025, 6, 30)
YEAR2_START, YEAR2_END = date(2025, 8, 1), date(2026, 6, 30)
SUMMER = (date(2025, 5, 10), date(2025, 9, 2))  # no cycle starts in this window
DATA_TERMS = ((date(2024, 9, 6), date(2025, 6, 6)), (date(2025, 9, 5), TODAY))
REPORT_DAY = date(2025, 7, 14)
# The status of the last cycle of each lane of cycles, in lane order.
FINAL_STATUSES = ("doing", "planning", "studying", "acting", "doing", "planning", "studying")
LETTERS = {"A": "adapt", "T": "test_again", "D": "adopt", "B": "abandon"}
NUMBERS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
SCHOOLS = ("S0", "S1", "S2")

FIRST_NAMES = (
    "Ana Amara Ahmed Aiyana Andre Beatriz Bao Bianca Camila Chidi Colin Dana Darius Deepa Elena "
    "Emeka Esther Farah Felix Gabriel Gloria Grace Hana Hector Hiro Imani Ines Isaac Jamal Jin "
    "Joaquin Jonah Kalani Keiko Kofi Kwame Laila Leah Lucia Malik Marcus Marisol Mateo Mei Miriam "
    "Nadia Naveen Nia Noor Omar Owen Paulo Priya Quinn Rafael Rashida Renee Rohan Rosa Samir Sana "
    "Sienna Simone Tariq Theo Tomas Uma Valeria Vivian Wen Wesley Xavier Yara Yusuf Zainab Zoe"
).split()
LAST_NAMES = (
    "Abara Adeyemi Alvarez Banerjee Baptiste Bergstrom Brennan Caldwell Castellano Chowdhury Cruz "
    "Delacroix Dlamini Donnelly Dubois Ellison Esposito Fairbanks Farouk Fitzgerald Gallardo "
    "Greenberg Haddad Holloway Ibarra Iwasaki Jablonski Jovanovic Kamara Kaur Kowalczyk Lindgren "
    "Lindqvist Marchetti Mendoza Mwangi Nakamura Novak Nwosu Obi Okonkwo Oyelaran Park Petrakis "
    "Quintero Ramanathan Reyes Rosales Sandoval Sato Schaefer Sorensen Takahashi Thibodeaux Tran "
    "Ueda Umarov Valdez Varga Vasquez Weatherby Whitaker Wojcik Xiong Yazzie Yilmaz Zamora Zhang"
).split()
COORDINATOR_TITLES = ("Assistant principal", "Instructional coach", "Grade-level team lead")
AT_LARGE_TITLES = ("Assistant principal", "School counselor", "English teacher", "Math teacher")
RESEARCH_TITLES = (
    "Associate professor of education",
    "Assistant professor of educational policy",
    "Postdoctoral research fellow",
    "Doctoral research assistant",
)
DEVELOPER_TITLES = ("Senior program developer", "Program developer")

# Building blocks of the PDSA text; every cycle fills them with its own numbers.
OBJECTIVES = (
    "Find out whether {actors} can {action}, and whether more {focus} then have {indicator}.",
    "Test whether we can {action} with {actors}, and learn what it changes for {focus}.",
    "Learn what it takes for {actors} to {action} week after week, and whether it helps {focus}.",
)
EXTRA_QUESTIONS = (
    "How much staff time does it take?",
    "What gets in the way on short weeks?",
    "How do students describe it?",
    "Which students does it miss?",
    "Does it hold up when a teacher is absent?",
)
OBSERVATIONS = (
    "Students asked about the routine in the weeks it was skipped.",
    "The same few students came up every week; most others needed only one contact.",
    "Teachers who co-planned kept the routine going; those working alone slipped on short weeks.",
    "Recording took longer than the routine itself at first, about {x} minutes a week.",
    "Follow-up was faster when a request named a specific class and assignment.",
)
SNAGS = (
    "a fire drill and a pep rally cut two sessions short",
    "one teacher was out for a week and the substitute skipped the routine",
    "the shared tracking sheet broke when two people edited it at once",
    "progress-report week crowded the routine off the agenda",
)
LEARNINGS = (
    "what worked at small scale needed a named owner once more people joined",
    "the routine survived busy weeks only when it sat on an existing meeting agenda",
    "students responded best when the same adult followed up each time",
    "a one-page record was enough; longer forms went unused",
)
SHORTFALLS = (
    "the routine slipped on short weeks",
    "follow-up depended on one person",
    "students did not see the point until the second week",
    "the data arrived too late in the week to act on",
)
TWEAKS = (
    "move the routine to a day with fewer interruptions",
    "hand the weekly tally to a student volunteer",
    "shorten the recording sheet to one line per student",
)
STOP_REASONS = (
    "the state testing window took over the periods the test depended on",
    "a schedule change removed the common planning period",
    "the lead teacher went on leave and no one could take over the routine",
)
DIDT_SLOTS = ("at the monthly DIDT meeting", "in the participating schools' team meetings")
DIDT_PLACES = ("the district professional learning center", "a host school, rotating each month")
LEARN = {
    "adopt": "{learning}. The routine held at this scale, so it can become standard practice.",
    "adapt": "{learning}. We fell short of the prediction mainly because {shortfall}.",
    "test_again": "{learning}. The result is close to the prediction, but one cycle is not "
    "enough to trust it.",
    "abandon": "{learning}. Even so, the gain was too small for the time it cost.",
}
RATIONALE = {
    "adopt": "Met the prediction ({r}% against {p}%) at the {label} scale, with staff time we "
    "can sustain.",
    "adapt": "Promising but below the prediction ({r}% against {p}%); one change should close "
    "the gap.",
    "test_again": "Close to the prediction ({r}% against {p}%); a second cycle will show "
    "whether it holds.",
    "abandon": "Little better than the baseline ({r}% against {b}%) for {m2} minutes a week; "
    "other change ideas look stronger.",
}
NEXT_STEPS = {
    "adopt": "Write the routine into the weekly agenda, share the write-up with the other teams "
    "in the network, and plan a larger test.",
    "adapt": "Next cycle: {tweak}, and widen the test to more {noun}s.",
    "test_again": "Run it again for {w} more weeks with a slightly larger group before deciding.",
    "abandon": "Stop the test, share what we learned at the next DIDT meeting, and give the time "
    "to a stronger change idea.",
}

# fmt: off
HARROW_CREEK: dict[str, Any] = {
    "slug": "harrow-creek-hs-network",
    "name": "Harrow Creek High-School Innovation Network",
    "description": "Harrow Creek's three innovation high schools and their district design team "
    "test ways to keep ninth graders on track for graduation. School teams run small PDSA cycles "
    "and the district team spreads what works to every high school.",
    "time_zone": "America/New_York",
    "district": "Harrow Creek Public Schools",
    "short": "Harrow Creek",
    "domain": "harrowcreek.example",
    "schools": (
        ("Wrenfield High School", "Wrenfield"),
        ("Cobble Ferry High School", "Cobble Ferry"),
        ("Tamsin Hill High School", "Tamsin Hill"),
    ),
    "other_schools": (
        "Greywillow High School",
        "Ostrander Point High School",
        "Juniper Flats High School",
        "Marrowby High School",
    ),
    "research": ("Eastmoor University College of Education", "eastmoor.example"),
    "support": ("Keystep Learning Partners", "keystep.example"),
    "liaison_title": "District innovation liaison",
    "office_titles": (
        "Director of Secondary Education",
        "Coordinator of Research and Accountability",
        "Director of Student Services",
        "Secondary curriculum specialist",
        "Chief Academic Officer",
    ),
    "teacher_titles": (
        "Grade 9 English teacher",
        "Algebra I teacher",
        "Biology teacher",
        "World history teacher",
        "Special education teacher",
        "English learner specialist",
        "Health teacher",
        "Spanish teacher",
    ),
    "actor": "ninth-grade teacher",
    "scales": (
        ("small-scale test", "{actors} and the {s} students in their shared advisory", (1, 2),
         (22, 34)),
        ("expanded test", "{actors} on one ninth-grade team, about {s} students", (3, 5),
         (70, 120)),
        ("grade-wide test", "the whole ninth-grade team: {actors}, about {s} students", (8, 12),
         (220, 330)),
        ("spread test", "the ninth- and tenth-grade teams: {actors}, about {s} students",
         (15, 22), (450, 620)),
    ),
    "didt_scales": (
        ("pilot in two schools", "{actors} at two at-large schools, about {s} ninth graders",
         (2, 2), (480, 640)),
        ("network test", "{actors} across the innovation schools and one at-large school, about "
         "{s} ninth graders", (4, 4), (900, 1200)),
        ("district-wide test", "{actors} in every high school, about {s} ninth graders", (7, 7),
         (1900, 2300)),
    ),
    "slots": ("Monday morning team time", "Wednesday common planning", "during advisory",
              "Friday seventh period"),
    "places": ("the ninth-grade wing", "room 118, the team's planning room", "the counseling "
               "office", "the library conference room"),
    # key: (title, action, focus, indicator, snag, learning, tweak, owning team)
    "ideas": {
        "watchlist": (
            "Weekly on-track watch list",
            "pull a one-page watch list of ninth graders with a D or F or attendance below 90% "
            "every Monday",
            "students on the watch list", "a named adult follow-up within seven days",
            "the grade export arrived late twice, so the list went out on Tuesday",
            "attendance flags surfaced students whose grades still looked fine",
            "add a column naming the adult who owns each follow-up", None,
        ),
        "huddle": (
            "15-minute grade-team huddle",
            "hold a 15-minute standing huddle on the watch list and give every flagged student "
            "an adult owner",
            "students discussed at the huddle", "a logged follow-up by Friday",
            "huddles ran long whenever the team debated causes instead of next steps",
            "a visible timer and a fixed order of names kept the huddle to 15 minutes",
            "limit each student to 90 seconds and park longer cases for the counselor", None,
        ),
        "conference": (
            "Student success conferences",
            "hold a ten-minute goal-setting conference with each flagged student",
            "conferenced students", "an improved grade or attendance within three weeks",
            "finding ten quiet minutes was hard on assembly and testing days",
            "students set more realistic goals when they picked one class to focus on",
            "use a half-page goal card and schedule the check-in two weeks later", None,
        ),
        "advisory": (
            "Study-habits advisory lessons",
            "teach a 20-minute advisory lesson on planners and missing work each week",
            "students in the advisory sections", "no missing assignments at the Friday check",
            "two advisory periods were lost to schedule changes",
            "students used planners when teachers checked them in the first minutes of class",
            "replace the slides with a five-minute planner check and a goal for the week", None,
        ),
        "family": (
            "Positive family contact first",
            "make two positive calls home for each flagged student before any concern call",
            "families of flagged students", "a reached family and a logged conversation",
            "about a third of the phone numbers on file were out of date",
            "families talked far more openly about concerns after a positive first call",
            "send a translated text message when a call goes unanswered", None,
        ),
        "recovery": (
            "Friday recovery block",
            "run a 40-minute Friday block where students finish missing work with a teacher",
            "students with missing work", "at least one missing assignment completed that week",
            "the students who most needed the block were often pulled for other activities",
            "a personal invitation from the class teacher doubled attendance at the block",
            "send personal invitations on Thursday and post each student's missing work", None,
        ),
        "mentor": (
            "Upperclass peer mentors",
            "pair flagged ninth graders with trained eleventh-grade mentors who check in twice "
            "a week",
            "mentored ninth graders", "attendance at or above 90% for the cycle",
            "mentor check-ins lapsed during the mentors' own exam weeks",
            "ninth graders valued mentors who shared their lunch period",
            "match mentors by lunch period and give them a one-page check-in script", None,
        ),
        "network": (
            "Common success-team protocol",
            "use the common success-team protocol in weekly ninth-grade team meetings",
            "ninth-grade teams using the protocol", "all protocol steps completed in a meeting",
            "at-large schools without common planning time met before school instead",
            "the protocol travels when a coordinator from an innovation school models it once",
            "add a short version of the protocol for schools with 30-minute meetings", "D",
        ),
        "dashboard": (
            "Shared on-track dashboard",
            "review a shared on-track dashboard at the monthly DIDT meeting",
            "schools reporting on-track data", "data updated by the Monday before the meeting",
            "two schools uploaded last month's file by mistake",
            "school teams trusted the dashboard once it matched their own watch lists",
            "automate the Friday export so no one uploads files by hand", "D",
        ),
        "planner": (
            "Planner check at the door",
            "check ninth graders' planners at the classroom door every Monday",
            "ninth graders in pilot classes", "a planner entry for every open assignment",
            "", "", "", "S0",
        ),
    },
    "aim": {
        "title": "Raise the share of ninth graders on track for graduation",
        "statement": "By June 2026, 85% of ninth graders in the three innovation high schools "
        "will end the year on track (no course failures, attendance at or above 90%), up from "
        "68% in 2023-24.",
        "drivers": (
            ("Early identification of students falling off track",
             "Teams see who is slipping within a week, not at the end of the quarter.", (), (
                 ("Timely, shared on-track data",
                  "Grades and attendance reach teams every week in one format.",
                  ("watchlist", "dashboard")),
                 ("A weekly team routine for acting on the data",
                  "A short, protected meeting where every flagged student gets an owner.",
                  ("huddle", "network")),
             )),
            ("Strong relationships with adults and peers",
             "Every ninth grader has an adult and a peer who notice and follow up.", ("mentor",), (
                 ("Goal-setting with students", "Students own a concrete goal for one class.",
                  ("conference", "advisory")),
             )),
            ("Families and recovery as partners",
             "Families hear good news first, and students have a way back from missing work.",
             (), (
                 ("Positive family partnership", "Families hear from the school early and often.",
                  ("family",)),
                 ("Structured academic recovery", "Protected time to finish missing work.",
                  ("recovery",)),
             )),
        ),
    },
    "team_aim": (
        "S0", "Halve missing assignments among Wrenfield ninth graders",
        "By June 2026, cut the average number of missing assignments per Wrenfield ninth grader "
        "at each progress report from 4.2 to 2.",
        "Daily organization habits", "Students keep track of their own assignments.", "planner",
    ),
    "innovation": (
        "Ninth-grade success teams",
        "Grade-level teams of ninth-grade teachers, a counselor and an assistant principal meet "
        "weekly around an on-track watch list, give every flagged student an adult owner and "
        "follow up with the student and the family within a week.",
        (
            (date(2024, 8, 15), "Initial design: a weekly watch list and team meeting."),
            (date(2025, 1, 27), "Adds the 15-minute huddle protocol and student success "
             "conferences from the first school cycles."),
            (date(2025, 8, 11), "District protocol for every high school, with positive family "
             "contact first and a Friday recovery block."),
        ),
    ),
    # (suffix, name, kind, unit, days between points, base, drift a week, shift, noise, text)
    "measures": (
        ("on-track", "Ninth graders on track", "outcome", "percent", 7, 67, 0.06, 6, 1.1,
         "Share of ninth graders with no D or F in core courses and attendance at or above 90%, "
         "from the Friday grade export."),
        ("follow-up", "Flagged students with an adult follow-up within 7 days", "process",
         "percent", 7, 42, 0.2, 20, 4, "Share of watch-list students with a logged follow-up "
         "within a week of being flagged."),
        ("meeting-minutes", "Teacher minutes per week in grade-team meetings", "balancing",
         "minutes", 14, 50, 0.0, 9, 4, "Average minutes per ninth-grade teacher, from a "
         "two-question time log."),
        ("recovered", "Missing assignments recovered per week", "process", "count", 7, 22, 0.1,
         15, 5, "Missing assignments completed in the recovery block or with a teacher."),
        ("network-on-track", "Ninth graders on track across the network", "outcome", "percent",
         14, 68, 0.05, 4, 0.8, "On-track rate of all ninth graders in the district's high "
         "schools, from the district dashboard."),
    ),
    "team_measures": {"S0": (0, 1, 2), "S1": (0, 1), "S2": (0, 1, 3), "D": (4,)},
    # Per team, lanes of cycle ramps: "idea:letters", one letter per cycle (see LETTERS;
    # X: abandoned while doing, P: abandoned while planning).
    "lanes": {
        "S0": ((date(2024, 9, 9), "watchlist:TAD huddle:ADD family:AB conference:ATD advisory:AD"),
               (date(2025, 10, 6), "mentor:AT recovery:AD family:AD")),
        "S1": ((date(2024, 9, 16), "conference:ATD advisory:AX advisory:AAD huddle:TD watchlist:AD"),
               (date(2025, 10, 13), "family:AD recovery:TD mentor:AD")),
        "S2": ((date(2024, 9, 23), "recovery:ATD family:AD mentor:P mentor:AAD huddle:AD"),
               (date(2025, 10, 20), "conference:TD watchlist:AD advisory:AD")),
        "D": ((date(2025, 1, 13), "dashboard:AD network:ATD dashboard:TD"),),
    },
    # (key, title, kind, team, idea, vetting, derived_from, shared_with, description, content)
    "artifacts": (
        ("a-watchlist", "On-track watch list template", "template", "S0", "watchlist",
         "known_good", None, ("D", "S1"), "Spreadsheet that turns the Friday grade and "
         "attendance export into a one-page Monday watch list.", "Columns: student, advisory, "
         "courses at D or F, attendance this month, owner, follow-up logged. Students with two "
         "or more flags at the top."),
        ("a-huddle", "15-minute huddle protocol", "protocol", "S0", "huddle", "known_good", None,
         ("D", "S1", "S2"), "Agenda and timing for the weekly ninth-grade huddle.",
         "1. Timer on: 15 minutes. 2. Read the new names on the watch list. 3. Ninety seconds "
         "per student: what we know, who owns the follow-up. 4. Park longer cases for the "
         "counselor. 5. Log owners before leaving."),
        ("a-huddle-cobble", "Huddle protocol, Cobble Ferry adaptation", "protocol", "S1",
         "huddle", "shared", "a-huddle", ("D",), "Cobble Ferry's version of the huddle protocol "
         "for a team that meets in two lunch shifts.", "The Wrenfield steps, split across two "
         "lunch shifts; the counselor attends the second shift and takes parked cases."),
        ("a-conference", "Student success conference guide", "protocol", "S1", "conference",
         "known_good", None, ("S0", "S2"), "Ten-minute goal-setting conference with a flagged "
         "student.", "Open with a strength. Look at grades together. The student picks one "
         "class and one action. Agree on a check-in within two weeks. Record the goal on a "
         "half-page card."),
        ("a-conference-wren", "Conference guide, Wrenfield adaptation", "protocol", "S0",
         "conference", "shared", "a-conference", (), "Wrenfield's shorter version for "
         "conferences held in advisory.", "Five questions on one card; two conferences a day "
         "during advisory; the advisor keeps the cards."),
        ("a-advisory", "Study-habits advisory lesson set", "tool", "S1", "advisory", "shared",
         None, ("S0",), "Six short advisory lessons on planners, missing work and asking for "
         "help.", "Each lesson: a five-minute planner check, a ten-minute skill (chunking, "
         "emailing a teacher, using the recovery block) and a goal for the week."),
        ("a-family-script", "Positive family call script", "tool", "S2", "family", "shared",
         None, ("S0", "S1"), "Call script and log for a positive first contact with families.",
         "Introduce yourself and your role. Share one specific positive. Ask what the family "
         "sees at home. Offer a way to reach you. Log the call the same day."),
        ("a-recovery", "Friday recovery block routine", "routine", "S2", "recovery", "shared",
         None, ("D",), "How the Friday 40-minute recovery block runs.", "Thursday: teachers "
         "send personal invitations. Friday: students sign in, pick their oldest missing "
         "assignment and work with that class's teacher, who records what was completed."),
        ("a-network-protocol", "District ninth-grade success team protocol", "protocol", "D",
         "network", "known_good", "a-huddle", ("S0", "S1", "S2"), "The common protocol for "
         "weekly success-team meetings in every high school, built from the schools' huddle "
         "protocols.", "Weekly, 30 minutes: watch-list review, an owner for every flagged "
         "student, one family contact per owner, a check on last week's follow-ups, and a "
         "monthly look at the on-track trend."),
        ("a-dashboard", "Network on-track dashboard", "tool", "D", "dashboard", "draft", None,
         (), "Monthly dashboard of on-track rates by school and student group.", "One page per "
         "school: on-track rate by month, flags by type, follow-up rate; a network page "
         "compares the innovation schools with the at-large schools."),
        ("a-design", "Ninth-grade success teams: innovation design", "innovation_design", "D",
         None, "known_good", None, ("S0", "S1", "S2"), "The design document of the district's "
         "innovation, revised as school learning came in.", "Core elements, roles, the weekly "
         "rhythm and the evidence behind each element."),
        ("a-report", "Year-one learning report", "report", "D", None, "shared", None,
         ("S0", "S1", "S2"), "The research partner's summary of year-one cycles and measures.",
         "What the schools tested, which changes held at scale, on-track trends by school, and "
         "questions for year two."),
    ),
}

QUILLAN_VALLEY: dict[str, Any] = {
    "slug": "quillan-valley-feedback-network",
    "name": "Quillan Valley Feedback Network",
    "description": "Three Quillan Valley high schools and their district design team test how "
    "teachers in grades 9 and 10 can give feedback that students act on. The network tracks "
    "course pass rates and how often students revise their work after feedback.",
    "time_zone": "America/Chicago",
    "district": "Quillan Valley School District",
    "short": "Quillan Valley",
    "domain": "quillanvalley.example",
    "schools": (
        ("Brindlewood High School", "Brindlewood"),
        ("Sedgeford High School", "Sedgeford"),
        ("Halvorsen Park High School", "Halvorsen Park"),
    ),
    "other_schools": ("North Quillan High School", "Millrace High School", "Thistledown High School"),
    "research": ("Westmarch University School of Education", "westmarch.example"),
    "support": ("Fieldnote Design Collaborative", "fieldnote.example"),
    "liaison_title": "Coordinator of school improvement",
    "office_titles": (
        "Assistant Superintendent for Teaching and Learning",
        "Director of Assessment",
        "Secondary literacy coordinator",
        "Director of Professional Learning",
        "Data analyst",
    ),
    "teacher_titles": (
        "English 9 teacher",
        "English 10 teacher",
        "Geometry teacher",
        "Chemistry teacher",
        "US history teacher",
        "Special education co-teacher",
        "Multilingual learner teacher",
        "Biology teacher",
    ),
    "actor": "teacher",
    "scales": (
        ("small-scale test", "{actors} with one section each, {s} students", (1, 2), (24, 32)),
        ("expanded test", "{actors} across all their sections, about {s} students", (3, 4),
         (90, 140)),
        ("department test", "{actors} in the grade 9-10 English and math departments, about {s} "
         "students", (8, 12), (300, 420)),
        ("school-wide test", "{actors} across grade 9-10 core courses, about {s} students",
         (16, 24), (600, 800)),
    ),
    "didt_scales": (
        ("pilot with two schools", "{actors} from two schools, about {s} teachers", (2, 2),
         (12, 18)),
        ("network test", "{actors} from all three innovation schools, about {s} teachers",
         (3, 3), (30, 45)),
        ("district-wide test", "{actors} from every high school, about {s} teachers", (6, 6),
         (80, 110)),
    ),
    "slots": ("during work time in class", "in the Thursday revision block", "after each major "
              "draft", "in the last ten minutes on Fridays"),
    "places": ("English and math classrooms in the 200 hall", "the science wing", "room 312",
               "the library classroom"),
    "ideas": {
        "criteria": (
            "Co-constructed success criteria",
            "build success criteria with students from two exemplars before each major task",
            "students in the test sections", "a correct restatement of the success criteria",
            "comparing exemplars took a full period the first time, not the planned 20 minutes",
            "criteria in students' own words were sharper than the teacher's rubric",
            "prepare the two exemplars with the differences already highlighted", None,
        ),
        "glow": (
            "Glow-and-grow feedback slips",
            "return each draft with one glow, one grow and one next step within three school "
            "days",
            "drafts returned", "feedback back within three school days",
            "slips piled up in the week of the quarter's grade deadline",
            "a single next step was used far more often than a paragraph of comments",
            "drop the glow for short tasks and keep only the grow and the next step", None,
        ),
        "conference": (
            "Five-minute feedback conferences",
            "hold five-minute feedback conferences with four to six students per period",
            "students with a conference that week", "a revision that addresses the conference "
            "point",
            "the rest of the class needed a clear task to stay on track during conferences",
            "a visible conference queue on the board made the routine predictable",
            "post the queue and give the class a checklist task during conferences", None,
        ),
        "peer": (
            "Structured peer feedback",
            "run a timed peer-feedback protocol with sentence stems and a criteria checklist",
            "peer-reviewed drafts", "at least one specific, criteria-based peer comment",
            "pairs drifted into praise without the sentence stems",
            "peer comments improved when students first scored an anonymous sample together",
            "start with a five-minute calibration on an anonymous sample", None,
        ),
        "revision": (
            "Protected revision time",
            "set aside 20 minutes each Thursday for students to act on feedback",
            "students with feedback on an open task", "a revision submitted by Friday",
            "Thursday assemblies cut the block twice",
            "students used the time well when the feedback was in their hands by Wednesday",
            "return feedback by Wednesday so the Thursday block has something to act on", None,
        ),
        "tracker": (
            "Student progress trackers",
            "have students log their scores against each success criterion in a one-page "
            "tracker",
            "students keeping a tracker", "an up-to-date tracker at the Friday check",
            "paper trackers went missing and about a fifth had to be restarted",
            "students who graphed their own scores set specific next goals",
            "move the tracker into the course's online notebook with a paper backup", None,
        ),
        "reflection": (
            "Feedback exit reflections",
            "close Friday classes with a two-question reflection on which feedback was used",
            "students completing reflections", "a named feedback point they acted on",
            "reflections were rushed when the bell schedule was shortened",
            "specific prompts drew specific answers; open prompts drew 'it was fine'",
            "replace the open prompt with 'Which comment did you use, and where?'", None,
        ),
        "walks": (
            "Cross-school feedback learning walks",
            "run a 90-minute learning walk on feedback routines, hosted by one school each month",
            "visiting teachers", "a routine they commit to test in their own classroom",
            "substitute shortages cancelled one walk",
            "teachers took up routines they saw working with students like their own",
            "pair each visitor with a host teacher for a follow-up call", "D",
        ),
        "rubric": (
            "District common writing rubric",
            "score a common writing task with the district rubric in grade-level teams",
            "teachers scoring the common task", "scores within one point of the anchor paper",
            "the anchor papers arrived a week after the task was given",
            "calibrating on two anchors first cut disagreements by half",
            "score two anchors together before scoring class sets", "D",
        ),
        "labredo": (
            "Lab-report redo station",
            "run a lab-report redo station during Friday labs with the feedback slip attached",
            "tenth graders with a returned lab report", "a revised lab report within a week",
            "", "", "", "S1",
        ),
    },
    "aim": {
        "title": "Raise grade 9-10 pass rates through feedback students act on",
        "statement": "By June 2026, 88% of grade 9-10 students in the three innovation high "
        "schools will pass all core courses, up from 77% in 2023-24, and 80% will revise at "
        "least one major task per unit after feedback.",
        "drivers": (
            ("Clear learning targets", "Students know what good work looks like before they "
             "start.", (), (
                 ("Student-friendly success criteria", "Criteria written with students, from "
                  "real exemplars.", ("criteria",)),
                 ("Shared scoring across teachers", "Teachers agree on what each criterion "
                  "looks like in student work.", ("rubric",)),
             )),
            ("Timely, actionable feedback", "Feedback arrives while students can still use it "
             "and names one next step.", ("glow", "walks"), (
                 ("Feedback conversations", "Short, specific exchanges during class time.",
                  ("conference", "peer")),
                 ("Time to act on feedback", "Class time set aside for revision.",
                  ("revision",)),
             )),
            ("Students own their progress", "Students track and reflect on their own growth.",
             (), (
                 ("Self-tracking and reflection", "Students record progress and name the "
                  "feedback they used.", ("tracker", "reflection")),
             )),
        ),
    },
    "team_aim": (
        "S1", "Every Sedgeford tenth grader revises a lab report each unit",
        "By June 2026, 90% of Sedgeford tenth graders in chemistry and biology will submit at "
        "least one revised lab report per unit, up from 35%.",
        "Lab-report revision routine", "Students get a second chance at every lab report.",
        "labredo",
    ),
    "innovation": (
        "Student-centered feedback cycles",
        "Teachers in grades 9-10 build success criteria with students, return short, "
        "actionable feedback within three school days and protect class time for students to "
        "act on it; students track their own progress against the criteria.",
        (
            (date(2024, 8, 19), "Initial design: success criteria, feedback slips and weekly "
             "revision time."),
            (date(2025, 1, 21), "Shorter feedback slip with one next step; revision time moved "
             "to Thursdays."),
            (date(2025, 8, 12), "Adds five-minute feedback conferences and student progress "
             "trackers; whole-class peer review becomes optional."),
        ),
    ),
    "measures": (
        ("pass-rate", "Grade 9-10 students passing all core courses", "outcome", "percent", 14,
         76, 0.05, 5, 1.0, "Share of grade 9-10 students passing every core course at the "
         "latest progress report."),
        ("revised", "Students who revised a task after feedback", "process", "percent", 7, 36,
         0.2, 20, 4, "Share of students in the test sections who submitted a revision that "
         "week."),
        ("feedback-minutes", "Teacher minutes per week giving feedback outside class",
         "balancing", "minutes", 7, 95, 0.0, -12, 6, "Self-reported minutes per teacher, from a "
         "weekly one-line log."),
        ("returned", "Drafts returned within three school days", "process", "count", 7, 58,
         0.3, 25, 8, "Drafts returned with a feedback slip within three school days."),
        ("network-routines", "Network teachers using a feedback routine every week", "process",
         "count", 14, 22, 0.4, 14, 3, "Teachers in all high schools reporting a weekly feedback "
         "routine on the monthly survey."),
    ),
    "team_measures": {"S0": (0, 1, 2), "S1": (0, 1, 3), "S2": (0, 1), "D": (4,)},
    "lanes": {
        "S0": ((date(2024, 9, 10), "criteria:TAD glow:AD tracker:AX tracker:AD reflection:TD "
                "conference:AD"),
               (date(2025, 10, 7), "peer:AB revision:AD glow:TD")),
        "S1": ((date(2024, 9, 17), "glow:ATD revision:AAD peer:AD criteria:TD"),
               (date(2025, 10, 14), "conference:AD tracker:TD reflection:AD")),
        "S2": ((date(2024, 9, 24), "conference:TAD peer:AB revision:ATD glow:P glow:AD"),
               (date(2025, 10, 21), "criteria:AD tracker:AD reflection:AD")),
        "D": ((date(2025, 1, 14), "walks:AD rubric:ATD walks:TD"),),
    },
    "artifacts": (
        ("a-criteria", "Success-criteria co-construction protocol", "protocol", "S0", "criteria",
         "known_good", None, ("D", "S2"), "How to build success criteria with students from two "
         "exemplars.", "Show two exemplars side by side. Students list differences in pairs. "
         "The class groups them into three or four criteria in student language. Post them and "
         "refer to them in every feedback slip."),
        ("a-criteria-halvorsen", "Success-criteria protocol, Halvorsen Park adaptation",
         "protocol", "S2", "criteria", "shared", "a-criteria", (), "Halvorsen Park's version for "
         "science labs.", "Exemplars are two lab reports; criteria are drafted in lab groups and "
         "checked against the state lab rubric."),
        ("a-slip", "Glow-and-grow feedback slip", "template", "S1", "glow", "known_good", None,
         ("S0", "S2", "D"), "Half-page feedback slip attached to each draft.", "One glow tied "
         "to a criterion, one grow tied to a criterion, one next step the student can do in "
         "20 minutes, and a box for the student's revision note."),
        ("a-slip-brindlewood", "Feedback slip, Brindlewood adaptation", "template", "S0", "glow",
         "shared", "a-slip", (), "Brindlewood's digital version of the feedback slip.", "The "
         "slip as a comment bank in the learning platform; the next step is pinned to the top "
         "of the assignment."),
        ("a-queue", "Feedback conference queue", "tool", "S2", "conference", "shared", None,
         ("S0",), "Board display and log for five-minute feedback conferences.", "Queue of "
         "four to six names per period, the point each conference covers, and a tick when the "
         "revision comes in."),
        ("a-revision", "Thursday revision routine", "routine", "S1", "revision", "shared", None,
         ("D",), "How the 20-minute Thursday revision block runs.", "Feedback returned by "
         "Wednesday. Thursday: students read their next step, revise for 15 minutes and write "
         "a one-line revision note; the teacher confers with two or three students."),
        ("a-peer-stems", "Peer-feedback sentence stems", "tool", "S1", "peer", "draft", None, (),
         "Sentence stems and a checklist for timed peer feedback.", "Stems: 'The criterion I "
         "see most clearly is...', 'One place to strengthen is...', 'Try...'. Checklist of the "
         "task's criteria."),
        ("a-tracker", "Student progress tracker", "template", "S0", "tracker", "shared", None,
         ("S2",), "One-page tracker where students log scores against each criterion.", "A row "
         "per task, a column per criterion, a mini graph and a goal line for the next task."),
        ("a-walk-protocol", "Feedback learning-walk protocol", "protocol", "D", "walks",
         "known_good", None, ("S0", "S1", "S2"), "The protocol for monthly cross-school learning "
         "walks on feedback routines.", "Pre-brief on the host's routine, three 15-minute "
         "classroom visits, a debrief on evidence of students using feedback, and a commitment "
         "card for each visitor."),
        ("a-rubric", "District common writing rubric", "tool", "D", "rubric", "shared", None,
         ("S0", "S1", "S2"), "Four-criterion rubric and anchor papers for the common writing "
         "task.", "Claim, evidence, reasoning, conventions; four levels each; two anchor papers "
         "per level with scoring notes."),
        ("a-design", "Student-centered feedback cycles: innovation design", "innovation_design",
         "D", None, "known_good", None, ("S0", "S1", "S2"), "The design document of the "
         "district's innovation, revised as school learning came in.", "Core elements, roles, "
         "the weekly rhythm of feedback and revision, and the evidence behind each element."),
        ("a-report", "Year-one learning report", "report", "D", None, "shared", None,
         ("S0", "S1", "S2"), "The research partner's summary of year-one cycles and measures.",
         "What the schools tested, which routines held at scale, pass-rate and revision trends "
         "by school, and questions for year two."),
    ),
}

DISTRICTS: tuple[dict[str, Any], ...] = (HARROW_CREEK, QUILLAN_VALLEY)
# fmt: on


@dataclass
class Idea:
    key: str
    title: str
    action: str
    focus: str
    indicator: str
    snag: str
    learning: str
    tweak: str
    team: str | None = None


@dataclass
class Cycle:
    team: str  # team code: "D" for the DIDT, "S0".."S2" for the SIDTs
    idea: Idea
    step: int
    ramp: int
    status: str
    planned_start: date
    planned_end: date
    actual_start: date | None = None
    actual_end: date | None = None
    decision: str | None = None
    stop: int = 4  # for abandoned cycles: how many phases were written (1 plan .. 4 act)
    builds_on: Cycle | None = None
    key: str = ""
    authors: list[str] = field(default_factory=list)
    measures: list[str] = field(default_factory=list)
    n: dict[str, Any] = field(default_factory=dict)

    @property
    def start(self) -> date:
        return self.actual_start or self.planned_start

    @property
    def level(self) -> int:
        """How many phases hold text: 1 plan, 2 do, 3 study, 4 act."""
        levels = {"planning": 1, "doing": 2, "studying": 3, "acting": 4, "completed": 4}
        return levels.get(self.status, self.stop)


def _slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _day(d: date) -> str:
    return f"{d:%B} {d.day}"


def _days(rng: random.Random, low: int, high: int) -> timedelta:
    return timedelta(days=rng.randint(low, high))


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


class _Builder:
    """Builds one community document from a district's configuration."""

    def __init__(self, cfg: dict[str, Any], seed: int, used_names: set[str]) -> None:
        self.cfg = cfg
        self.rng = random.Random(seed)
        self.used = used_names
        self.last_names: set[str] = set()
        self.ideas = {k: Idea(f"ci-{k}", *v) for k, v in cfg["ideas"].items()}
        schools = cfg["schools"]
        self.team = {"D": f"{cfg['short']} DIDT"}
        self.team |= {f"S{i}": f"{short} SIDT" for i, (_, short) in enumerate(schools)}
        self.code_slug = {"D": "didt"} | {f"S{i}": _slug(s) for i, (_, s) in enumerate(schools)}
        self.people: list[dict[str, Any]] = []
        self.person: dict[str, dict[str, Any]] = {}
        self.cycles: list[Cycle] = []
        self.team_measures: dict[str, list[tuple[str, tuple[Any, ...]]]] = {}
        self.measure_name: dict[str, str] = {}
        self.versions: dict[str, list[dict[str, Any]]] = {}
        self.artifact_info: dict[str, tuple[str, tuple[str, ...], str | None, str]] = {}
        self.links: list[dict[str, Any]] = []
        self.linked: set[tuple[str, str]] = set()
        self.ramps = 0
        self.finals = iter(FINAL_STATUSES)
        self.facilitator = self.lead_researcher = ""

    def build(self) -> dict[str, Any]:
        cfg = self.cfg
        self._people()
        for code, indexes in cfg["team_measures"].items():
            specs = [cfg["measures"][i] for i in indexes]
            self.team_measures[code] = [(f"m-{self.code_slug[code]}-{s[0]}", s) for s in specs]
            self.measure_name |= {key: spec[1] for key, spec in self.team_measures[code]}
        for code, lanes in cfg["lanes"].items():
            for start, pattern in lanes:
                self._lane(code, start, pattern)
        self.cycles.sort(key=lambda c: (c.start, c.team))
        counts: dict[str, int] = {}
        for c in self.cycles:
            counts[c.team] = counts.get(c.team, 0) + 1
            c.key = f"c-{self.code_slug[c.team]}-{counts[c.team]}"
        measures = self._measures()
        artifacts = self._artifacts()
        self._links()
        name, description, versions = cfg["innovation"]
        return {
            "format": FORMAT,
            "community": {
                "slug": cfg["slug"],
                "name": cfg["name"],
                "description": cfg["description"],
                "method": "PDSA",
                "time_zone": cfg["time_zone"],
            },
            "organizations": self._organizations(),
            "teams": self._teams(),
            "people": self.people,
            "innovations": [
                {
                    "name": name,
                    "description": description,
                    "versions": [
                        {"number": i, "released_on": day, "summary": summary}
                        for i, (day, summary) in enumerate(versions, 1)
                    ],
                }
            ],
            "aims": self._aims(),
            "measures": measures,
            "cycles": [self._cycle_doc(c) for c in self.cycles],
            "artifacts": artifacts,
            "links": self.links,
        }

    # --- organizations, teams, people ---------------------------------------------

    def _organizations(self) -> list[dict[str, Any]]:
        cfg = self.cfg
        orgs = [{"name": cfg["district"], "kind": "district"}]
        orgs += [{"name": name, "kind": "school"} for name, _ in cfg["schools"]]
        orgs += [{"name": name, "kind": "school"} for name in cfg["other_schools"]]
        orgs.append({"name": cfg["research"][0], "kind": "research_partner"})
        orgs.append({"name": cfg["support"][0], "kind": "support_organization"})
        return orgs

    def _teams(self) -> list[dict[str, Any]]:
        cfg = self.cfg
        teams = [
            {
                "name": self.team["D"],
                "kind": "district_design_team",
                "organization": cfg["district"],
                "parent": None,
                "description": f"District Innovation Design Team of {cfg['district']}: school "
                "representatives, central-office staff, at-large members, the district liaison "
                f"and researchers from {cfg['research'][0]}, facilitated by program developers "
                f"from {cfg['support'][0]}.",
            }
        ]
        for i, (school, _) in enumerate(cfg["schools"]):
            teams.append(
                {
                    "name": self.team[f"S{i}"],
                    "kind": "school_design_team",
                    "organization": school,
                    "parent": self.team["D"],
                    "description": f"School Innovation Design Team at {school}: teachers, an "
                    "assistant principal and a counselor, coordinated by the school's DIDT "
                    "representatives.",
                }
            )
        return teams

    def _name(self) -> tuple[str, str]:
        while True:
            first, last = self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)
            if f"{first} {last}" not in self.used and last not in self.last_names:
                self.used.add(f"{first} {last}")
                self.last_names.add(last)
                return first, last

    def _person(self, title: str, org: str, domain: str | None = None) -> str:
        first, last = self._name()
        key = _slug(f"{first} {last}")
        self.person[key] = {
            "key": key,
            "name": f"{first} {last}",
            "email": f"{_slug(first)}.{_slug(last)}@{domain or self.cfg['domain']}",
            "title": title,
            "organization": org,
            "memberships": [],
        }
        self.people.append(self.person[key])
        return key

    def _join(self, key: str, code: str, role: str, start: date) -> None:
        self.person[key]["memberships"].append(
            {"team": self.team[code], "role": role, "start": start}
        )

    def _leave(self, key: str, code: str, end: date) -> None:
        spells = [m for m in self.person[key]["memberships"] if m["team"] == self.team[code]]
        spells[-1]["end"] = end

    def _people(self) -> None:
        cfg, rng = self.cfg, self.rng
        district, start, y2 = cfg["district"], YEAR1_START, YEAR2_START
        titles = cfg["teacher_titles"]
        for i, (school, _) in enumerate(cfg["schools"]):
            code = f"S{i}"
            coordinators = []
            for _ in range(rng.choice((2, 3))):  # DIDT representatives coordinate the SIDT
                key = self._person(rng.choice(COORDINATOR_TITLES), school)
                self._join(key, code, "coordinator", start)
                self._join(key, "D", "member", start)
                coordinators.append(key)
            staff = ["Assistant principal", "School counselor", *rng.sample(titles, 4)]
            members = [self._person(title, school) for title in staff]
            for key in members:
                self._join(key, code, "member", start)
            self._leave(members[5], code, YEAR1_END)
            self._join(self._person(rng.choice(titles), school), code, "member", y2)
            if i == 0:  # a mid-year replacement and the coordinator rotation
                self._leave(members[4], code, date(2025, 1, 31))
                self._join(
                    self._person(rng.choice(titles), school), code, "member", date(2025, 2, 10)
                )
                out, new = coordinators[0], members[2]
                self._leave(out, code, YEAR1_END)
                self._leave(out, "D", YEAR1_END)
                self._join(out, code, "member", y2)
                self._leave(new, code, date(2025, 7, 31))
                self._join(new, code, "coordinator", y2)
                self._join(new, "D", "member", y2)
            elif i == 1:
                self._join(
                    self._person(rng.choice(titles), school), code, "member", date(2026, 1, 12)
                )
            else:
                self._leave(members[4], code, date(2025, 12, 19))
        office = rng.sample(cfg["office_titles"], 5)
        staff_keys = [self._person(title, district) for title in office[:4]]
        for key in staff_keys:
            self._join(key, "D", "central_office", start)
        self._leave(staff_keys[3], "D", YEAR1_END)
        self._join(self._person(office[4], district), "D", "central_office", y2)
        others = cfg["other_schools"]
        at_large = [
            self._person(rng.choice(AT_LARGE_TITLES), others[j % len(others)]) for j in range(6)
        ]
        for key in at_large:
            self._join(key, "D", "at_large", start)
        self._leave(at_large[5], "D", date(2025, 1, 31))
        self._join(
            self._person(rng.choice(AT_LARGE_TITLES), others[1]), "D", "at_large", date(2025, 2, 10)
        )
        self._leave(at_large[4], "D", YEAR1_END)
        self._join(
            self._person(rng.choice(AT_LARGE_TITLES), others[-1]),
            "D",
            "at_large",
            date(2025, 9, 15),
        )
        self._join(self._person(cfg["liaison_title"], district), "D", "liaison", start)
        org, domain = cfg["research"]
        researchers = [self._person(title, org, domain) for title in RESEARCH_TITLES]
        for key in researchers[:3]:
            self._join(key, "D", "researcher", start)
        self._leave(researchers[2], "D", YEAR1_END)
        self._join(researchers[3], "D", "researcher", y2)
        org, domain = cfg["support"]
        developers = [self._person(title, org, domain) for title in DEVELOPER_TITLES]
        self._join(developers[0], "D", "facilitator", start)
        self._join(developers[1], "D", "program_developer", start)
        self.facilitator, self.lead_researcher = developers[0], researchers[0]

    def _active(self, code: str, day: date, roles: set[str]) -> list[str]:
        team = self.team[code]
        return [
            p["key"]
            for p in self.people
            if any(
                m["team"] == team and m["role"] in roles and m["start"] <= day <= m.get("end", day)
                for m in p["memberships"]
            )
        ]

    def _authors(self, code: str, day: date) -> list[str]:
        if code == "D":
            leads = self._active(code, day, {"liaison", "facilitator", "central_office"})
            others = self._active(
                code, day, {"member", "researcher", "at_large", "program_developer"}
            )
        else:
            leads = self._active(code, day, {"coordinator"})
            others = self._active(code, day, {"member"})
        return [self.rng.choice(leads), *self.rng.sample(others, self.rng.randint(0, 2))]

    # --- cycles ----------------------------------------------------------------

    def _lane(self, code: str, start: date, pattern: str) -> None:
        """Schedule one lane of ramps; its last cycle is still under way at TODAY."""
        rng = self.rng
        cursor, prev = start, None
        gaps = (25, 50) if code == "D" else (6, 20)
        for token in pattern.split():
            name, letters = token.split(":")
            self.ramps += 1
            base = rng.randint(30, 55)
            for step, letter in enumerate(letters):
                ps = cursor
                if SUMMER[0] < ps < SUMMER[1]:
                    ps = SUMMER[1] + _days(rng, 4, 10)
                pe = ps + _days(rng, 14, 35)
                a_start = ps + _days(rng, 0, 3)
                a_end = max(pe + _days(rng, -2, 5), a_start + timedelta(days=14))
                c = Cycle(code, self.ideas[name], step, self.ramps, "completed", ps, pe)
                c.actual_start, c.actual_end = a_start, a_end
                c.builds_on = prev if step > 0 else None
                if a_end > TODAY - timedelta(days=45):
                    self._in_progress(c, next(self.finals, "planning"), letter)
                    self._add(c, base)
                    return
                if letter == "X":
                    c.status, c.stop, c.actual_end = "abandoned", 2, a_start + _days(rng, 7, 12)
                elif letter == "P":
                    c.status, c.stop, c.actual_start, c.actual_end = "abandoned", 1, None, None
                else:
                    c.decision = LETTERS[letter]
                self._add(c, base)
                prev = c
                cursor = (c.actual_end or pe) + _days(rng, *gaps)

    def _in_progress(self, c: Cycle, status: str, letter: str) -> None:
        rng = self.rng
        c.status, c.actual_start, c.actual_end = status, None, None
        if status == "planning":
            c.planned_start = TODAY + _days(rng, 4, 12)
            c.planned_end = c.planned_start + _days(rng, 21, 35)
        elif status == "doing":
            c.actual_start = TODAY - _days(rng, 6, 16)
            c.planned_start = c.actual_start - _days(rng, 0, 2)
            c.planned_end = c.planned_start + _days(rng, 24, 35)
        else:  # studying or acting: the do phase is over
            c.actual_start = TODAY - _days(rng, 30, 38)
            c.actual_end = TODAY - _days(rng, 3, 8)
            c.planned_start = c.actual_start - _days(rng, 0, 2)
            c.planned_end = c.actual_end - _days(rng, 0, 3)
        if status == "acting":
            c.decision = LETTERS.get(letter, "adapt")

    def _add(self, c: Cycle, base: int) -> None:
        rng = self.rng
        c.authors = self._authors(c.team, c.start)
        c.measures = [
            key
            for key, spec in self.team_measures[c.team]
            if spec[2] == "process" or c.team == "D" or c.step >= 1
        ]
        scales = self.cfg["didt_scales" if c.team == "D" else "scales"]
        label, scope, t_range, s_range = scales[min(c.step, len(scales) - 1)]
        t, s = rng.randint(*t_range), rng.randint(*s_range)
        noun = "school team" if c.team == "D" else self.cfg["actor"]
        actors = f"{NUMBERS[t] if t < 10 else t} {noun}{'s' if t > 1 else ''}"
        b = base + rng.randint(-3, 3) + 3 * c.step
        p = min(95, b + rng.randint(12, 22))
        r = {
            "adopt": p + rng.randint(0, 6),
            "test_again": p + rng.randint(-5, 2),
            "adapt": p - rng.randint(6, 15),
            "abandon": b + rng.randint(-3, 4),
        }[c.decision or "adapt"]
        w = max(2, (c.planned_end - c.planned_start).days // 7)
        m = rng.choice((15, 20, 25, 30, 40))
        first = c.step == 0
        c.n = {
            "label": label,
            "noun": noun,
            "actors": actors,
            "scope": scope.format(actors=actors, s=s),
            "s": s,
            "s2": s - rng.randint(0, s // 10),
            "b": b,
            "p": p,
            "r": min(r, 99),
            "w": w,
            "k": max(2, w - rng.randint(0, 1)),
            "m": m,
            "m2": max(5, m + rng.randint(-8, 12)),
            "x": rng.randint(10, 25),
            "objective": rng.choice(OBJECTIVES),
            "extra": rng.choice(EXTRA_QUESTIONS),
            "obs": rng.choice(OBSERVATIONS),
            "snag": c.idea.snag if first else rng.choice(SNAGS),
            "learning": _cap(c.idea.learning if first else rng.choice(LEARNINGS)),
            "shortfall": rng.choice(SHORTFALLS),
            "tweak": c.idea.tweak if first else rng.choice(TWEAKS),
            "why": rng.choice(STOP_REASONS),
            "slot": rng.choice(DIDT_SLOTS if c.team == "D" else self.cfg["slots"]),
            "place": rng.choice(DIDT_PLACES if c.team == "D" else self.cfg["places"]),
        }
        self.cycles.append(c)

    def _phases(self, c: Cycle) -> dict[str, dict[str, Any]]:
        """The PDSA text of a cycle, filled up to the phase its status has reached."""
        idea = c.idea
        f = {**c.n, "action": idea.action, "focus": idea.focus, "indicator": idea.indicator}
        names = [self.person[a]["name"] for a in c.authors]
        site = self.cfg["district"] if c.team == "D" else self.cfg["schools"][int(c.team[1])][0]
        who = f"{names[0]} leads, with {f['scope']}."
        if len(names) > 1:
            who += f" {_and(names[1:])} {'keep' if len(names) > 2 else 'keeps'} the weekly tally."
        what = _cap(idea.action) + "."
        if c.builds_on:
            what += f" One change from the last cycle: {c.builds_on.n['tweak']}."
        tally = f"a weekly tally of {idea.focus} with {idea.indicator}"
        phases: dict[str, dict[str, Any]] = {
            "plan": {
                "objective": f["objective"].format(**f),
                "questions": "Can {actors} {action} in all {w} weeks? What share of {focus} will "
                "have {indicator}? {extra}".format(**f),
                "predictions": "The routine runs in at least {k} of {w} weeks. {p}% of {focus} "
                "will have {indicator}, up from about {b}%. Staff time stays under {m} minutes a "
                "week.".format(**f),
                "who": who,
                "what": what,
                "when": f"{f['w']} weeks, {_day(c.planned_start)} to {_day(c.planned_end)}, "
                f"{f['slot']}.",
                "where": f"{_cap(f['place'])}, {site}.",
                "measures": "; ".join([*map(self.measure_name.get, c.measures), tally])
                + "; a short staff time log.",
            }
        }
        if c.level >= 2:
            if c.status == "abandoned":
                weeks = max(1, (c.actual_end - c.actual_start).days // 7)  # type: ignore[operator]
                happened = f"Stopped after {weeks} week{'s' if weeks > 1 else ''}: {f['why']}."
            elif c.status == "doing":
                week = (TODAY - c.actual_start).days // 7 + 1  # type: ignore[operator]
                happened = (
                    f"Under way: week {week} of {f['w']} with about {f['s']} students. "
                    + _cap(f"so far {f['snag']}.")
                )
            else:
                happened = "Ran {k} of {w} planned weeks with {s2} students. ".format(**f)
                happened += _cap(f["snag"]) + "."
            phases["do"] = {"what_happened": happened, "observations": f["obs"].format(**f)}
        if c.level >= 3:
            results = "{r}% of {focus} had {indicator}, against {p}% predicted (baseline {b}%). "
            results += "Staff time averaged {m2} minutes a week against the {m} we expected."
            phases["study"] = {"results": results.format(**f)}
            if c.status != "studying":
                phases["study"]["learning"] = LEARN[c.decision or "adapt"].format(**f)
        if c.level >= 4 and c.decision:
            phases["act"] = {
                "decision": c.decision,
                "rationale": RATIONALE[c.decision].format(**f),
            }
            if c.status == "completed":
                phases["act"]["next_steps"] = NEXT_STEPS[c.decision].format(**f)
        return phases

    def _cycle_doc(self, c: Cycle) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "key": c.key,
            "title": f"{c.idea.title}: {c.n['label']} with {c.n['actors']}",
            "team": self.team[c.team],
            "change_idea": c.idea.key,
        }
        if c.builds_on:
            doc["builds_on"] = c.builds_on.key
        doc["status"] = c.status
        doc |= self._phases(c)
        doc["planned_start"], doc["planned_end"] = c.planned_start, c.planned_end
        if c.actual_start:
            doc["actual_start"] = c.actual_start
        if c.actual_end:
            doc["actual_end"] = c.actual_end
        doc["authors"], doc["measures"] = c.authors, c.measures
        return doc

    # --- aims, measures, artifacts ---------------------------------------------------

    def _adopted_by(self, idea: Idea) -> set[str]:
        return {
            c.team
            for c in self.cycles
            if c.idea is idea and c.status == "completed" and c.decision == "adopt"
        }

    def _idea_doc(self, name: str) -> dict[str, Any]:
        idea = self.ideas[name]
        teams = self._adopted_by(idea)
        stage = "spreading" if "D" in teams or len(teams) > 1 else "implementing"
        return {
            "key": idea.key,
            "title": idea.title,
            "description": _cap(idea.action) + ".",
            "stage": stage if teams else "testing",
            "team": self.team[idea.team] if idea.team else None,
        }

    def _aims(self) -> list[dict[str, Any]]:
        aim = self.cfg["aim"]
        drivers = [
            {
                "title": title,
                "description": text,
                "change_ideas": [self._idea_doc(k) for k in direct],
                "secondary": [
                    {"title": t, "description": d, "change_ideas": [self._idea_doc(k) for k in ks]}
                    for t, d, ks in secondary
                ],
            }
            for title, text, direct, secondary in aim["drivers"]
        ]
        code, title, statement, driver, text, idea = self.cfg["team_aim"]
        team_driver = {"title": driver, "description": text, "change_ideas": [self._idea_doc(idea)]}
        return [
            {
                "title": aim["title"],
                "statement": aim["statement"],
                "team": None,
                "target_date": YEAR2_END,
                "drivers": drivers,
            },
            {
                "title": title,
                "statement": statement,
                "team": self.team[code],
                "target_date": YEAR2_END,
                "drivers": [team_driver],
            },
        ]

    def _measures(self) -> list[dict[str, Any]]:
        out = []
        for code, measures in self.team_measures.items():
            adopted = [
                c
                for c in self.cycles
                if (c.team == code or code == "D")
                and c.status == "completed"
                and c.decision == "adopt"
            ]
            shift = min(adopted, key=lambda c: c.start) if adopted else None
            for key, spec in measures:
                name, kind, unit, text = spec[1], spec[2], spec[3], spec[9]
                out.append(
                    {
                        "key": key,
                        "name": name,
                        "kind": kind,
                        "unit": unit,
                        "team": self.team[code],
                        "description": text,
                        "data": self._series(key, spec, shift),
                    }
                )
        return out

    def _series(self, key: str, spec: tuple[Any, ...], shift: Cycle | None) -> list[dict[str, Any]]:
        """Weekly or biweekly values that drift, with a shift after the first adopted change."""
        _, _, _, unit, every, base, drift, jump, noise, _ = spec
        rng = self.rng
        tagged = [c for c in self.cycles if key in c.measures and c.actual_start]
        changed = shift.actual_end if shift else None
        points: list[dict[str, Any]] = []
        noted = False
        for first, last in DATA_TERMS:
            day = first
            while day <= last:
                if (day.month, day.day) >= (12, 21) or (day.month, day.day) <= (1, 3):
                    day += timedelta(days=every)
                    continue  # winter break
                value = base + drift * (day - DATA_TERMS[0][0]).days / 7 + rng.gauss(0, noise)
                point: dict[str, Any] = {"date": day}
                if changed and shift and day > changed:
                    value += jump * min(1.0, (day - changed).days / 21)
                    if not noted:
                        point["note"] = f"First data after adopting: {shift.idea.title.lower()}."
                        noted = True
                if day.month == 11 and 22 <= day.day <= 28:
                    point["note"] = "Short week (Thanksgiving break)."
                value = min(100.0, max(0.0, value)) if unit == "percent" else max(0.0, value)
                point["value"] = round(value) if unit == "count" else round(value, 1)
                cycle = next(
                    (c for c in tagged if c.actual_start <= day <= (c.actual_end or TODAY)),  # type: ignore[operator]
                    None,
                )
                if cycle:
                    point["cycle"] = cycle.key
                points.append(point)
                day += timedelta(days=every)
        return points

    def _artifacts(self) -> list[dict[str, Any]]:
        out = []
        for key, title, kind, code, idea, vetting, derived, shared, text, content in self.cfg[
            "artifacts"
        ]:
            versions = self._versions(kind, code, idea, derived, content)
            self.versions[key] = versions
            self.artifact_info[key] = (code, shared, derived, kind)
            doc: dict[str, Any] = {
                "key": key,
                "title": title,
                "kind": kind,
                "team": self.team[code],
                "description": text,
                "vetting": vetting,
            }
            if derived:
                doc["derived_from"] = derived
            doc["shared_with"] = [self.team[t] for t in shared]
            doc["versions"] = [{k: v for k, v in ver.items() if k != "cycle"} for ver in versions]
            out.append(doc)
        return out

    def _versions(
        self, kind: str, code: str, idea: str | None, derived: str | None, content: str
    ) -> list[dict[str, Any]]:
        """Versions come from the completed cycles that produced them, in order."""

        def version(
            n: int, day: date, summary: str, text: str, author: str, c: Cycle | None
        ) -> dict[str, Any]:
            return {
                "number": n,
                "created_on": day,
                "summary": summary,
                "content": text,
                "url": "",
                "author": author,
                "cycle": c,
            }

        if kind == "innovation_design":
            released = self.cfg["innovation"][2]
            return [
                version(
                    n,
                    day - timedelta(days=2),
                    summary,
                    f"{content} {summary}",
                    self.facilitator,
                    None,
                )
                for n, (day, summary) in enumerate(released, 1)
            ]
        if kind == "report":
            summary = "Year-one learning report for the DIDT's summer retreat."
            return [version(1, REPORT_DAY, summary, content, self.lead_researcher, None)]
        floor = self.versions[derived][0]["created_on"] if derived else YEAR1_START
        made = [
            c
            for c in self.cycles
            if c.team == code
            and c.idea.key == f"ci-{idea}"
            and c.status == "completed"
            and c.decision != "abandon"
            and c.actual_end >= floor  # type: ignore[operator]
        ]
        if len(made) > 3:
            made = [made[0], made[len(made) // 2], made[-1]]
        versions: list[dict[str, Any]] = []
        last = floor
        for n, c in enumerate(made, 1):
            day = max(c.actual_end + _days(self.rng, 1, 5), last + timedelta(days=1))  # type: ignore[operator]
            if n == 1:
                summary = (
                    f"First version, written up after the {c.n['label']} with {c.n['actors']}."
                )
                text = content
            else:
                summary = f"Revised after the {c.n['label']}: {c.n['tweak']}."
                text = f"{content} Version {n} change: {c.n['tweak']}."
            versions.append(version(n, day, summary, text, c.authors[0], c))
            last = day
        if not versions:  # adapted before the school ran a cycle on it
            day = floor + timedelta(days=21)
            author = self._active(code, day, {"coordinator", "liaison"})[0]
            versions.append(
                version(1, day, "First version, adapted before testing.", content, author, None)
            )
        return versions

    # --- learning links ----------------------------------------------------------

    def _link(
        self, source: tuple[str, date], target: tuple[str, date], kind: str, note: str
    ) -> None:
        (src, src_day), (dst, dst_day) = source, target
        if dst_day < src_day or src == dst or (src, dst) in self.linked:
            return
        self.linked.add((src, dst))
        day = max(dst_day, min(dst_day + _days(self.rng, 0, 3), TODAY))
        self.links.append({"source": src, "target": dst, "kind": kind, "date": day, "note": note})

    @staticmethod
    def _cref(c: Cycle) -> tuple[str, date]:
        return f"cycle:{c.key}", c.start

    @staticmethod
    def _vref(artifact: str, v: dict[str, Any]) -> tuple[str, date]:
        return f"artifact_version:{artifact}#{v['number']}", v["created_on"]

    def _recent_adopts(self, before: date, window: int, limit: int) -> list[Cycle]:
        """The latest adopted cycles that ended in the window before a date, one per team."""
        found = sorted(
            (
                c
                for c in self.cycles
                if c.status == "completed"
                and c.actual_end
                and before - timedelta(days=window) <= c.actual_end <= before
            ),
            key=lambda c: (c.decision != "adopt", -c.actual_end.toordinal()),  # type: ignore[union-attr]
        )
        picked: list[Cycle] = []
        for c in found:
            if c.team not in {p.team for p in picked} and len(picked) < limit:
                picked.append(c)
        return picked

    def _links(self) -> None:
        started = [c for c in self.cycles if c.actual_start]
        schools = [c for c in started if c.team != "D"]
        didt = [c for c in started if c.team == "D"]

        def first_after(team: str, day: date) -> Cycle | None:
            later = [c for c in started if c.team == team and c.start >= day]
            return min(later, key=lambda c: c.start) if later else None

        for y in schools:  # across schools, on the same change idea
            earlier = [
                x
                for x in schools
                if x.team != y.team
                and x.idea is y.idea
                and x.status == "completed"
                and x.actual_end <= y.start  # type: ignore[operator]
            ]
            if y.step <= 1 and earlier:
                x = max(earlier, key=lambda c: c.actual_end)  # type: ignore[arg-type, return-value]
                kind = "builds_on" if x.decision == "adopt" and y.step == 0 else "informed"
                note = f"{self.team[y.team]} started from {self.team[x.team]}'s cycle on {y.idea.title.lower()}."
                self._link(self._cref(x), self._cref(y), kind, note)
        for y in didt:  # learning travels up to the DIDT ...
            for i, x in enumerate(self._recent_adopts(y.start, 150, 3)):
                kind, note = (
                    (
                        "shared_at",
                        "Presented by the coordinators at the DIDT meeting that planned this cycle.",
                    )
                    if i == 0
                    else ("informed", "School results the DIDT used in planning.")
                )
                self._link(self._cref(x), self._cref(y), kind, note)
        for x in didt:  # ... and back down to the schools
            if x.status != "completed":
                continue
            for code in SCHOOLS:
                y = first_after(code, x.actual_end)  # type: ignore[arg-type]
                if y:
                    note = "Coordinators brought the DIDT's learning back to the SIDT."
                    self._link(self._cref(x), self._cref(y), "informed", note)
        for key, versions in self.versions.items():
            code, shared, derived, kind = self.artifact_info[key]
            previous = YEAR1_START
            for v in versions:
                ref = self._vref(key, v)
                if v["cycle"]:
                    note = f"This cycle's results went into version {v['number']}."
                    self._link(self._cref(v["cycle"]), ref, "informed", note)
                elif kind == "report" or (kind == "innovation_design" and v["number"] > 1):
                    for x in self._recent_adopts(v["created_on"], 150, 3):
                        self._link(
                            self._cref(x), ref, "informed", "Evidence cited in this version."
                        )
                if kind == "innovation_design":
                    for report in self.versions.get("a-report", []):
                        if previous < report["created_on"] <= v["created_on"]:
                            note = "The year-one report shaped this revision of the design."
                            self._link(self._vref("a-report", report), ref, "informed", note)
                for team in shared:
                    y = first_after(team, v["created_on"])
                    if y:
                        link_kind = "shared_at" if team == "D" else "informed"
                        note = f"{self.team[team]} used version {v['number']} in this cycle."
                        self._link(ref, self._cref(y), link_kind, note)
                previous = v["created_on"]
            if derived:
                first = versions[0]
                sources = [
                    s for s in self.versions[derived] if s["created_on"] <= first["created_on"]
                ]
                note = f"{self.team[code]} adapted this from {self.team[self.artifact_info[derived][0]]}'s version."
                self._link(
                    self._vref(derived, sources[-1]), self._vref(key, first), "adapted_from", note
                )
        self.links.sort(key=lambda link: (link["date"], link["source"], link["target"]))


def demo_communities() -> list[dict[str, Any]]:
    """The two DEMO community documents, identical on every run."""
    used: set[str] = set()
    return [_Builder(cfg, SEED + i, used).build() for i, cfg in enumerate(DISTRICTS)]


if __name__ == "__main__":
    yaml.safe_dump_all(
        demo_communities(), sys.stdout, sort_keys=False, allow_unicode=True, width=100
    )
