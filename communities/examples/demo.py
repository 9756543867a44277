"""A deterministic DEMO dataset: two invented districts' high-school innovation networks.

``demo_communities()`` returns two documents in the community-file format
(docs/community-file.md). Each holds a District Innovation Design Team (DIDT), three
School Innovation Design Teams (SIDTs) whose coordinators also sit on the DIDT, two
school years of membership changes, ramps of PDSA cycles, measures with weekly data,
artifacts adapted from school to school, and the learning links between all of them.
Every name is invented. A fixed seed makes the output identical on every run of a day.

The demo lives in the present: it is written for its own "now" (:data:`TODAY`, spring of
its second school year) and every date is then moved by whole weeks so that its now is
the day it is built (``demo_communities(today)``): cycles are under way this week,
data runs to this week, and the plugins' demo data (convenings, forums, rubrics) date
themselves from the same day.

The district content is written as small text tables (see ``_rows``); the PDSA text of
each cycle is assembled from templates filled with that cycle's own numbers.
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
# The status of the cycle under way at TODAY in each lane of cycles, in lane order.
FINAL_STATUSES = ("doing", "planning", "studying", "acting", "doing", "planning", "studying")
# One letter per cycle in a lane's ramps; X: abandoned while doing, P: abandoned while planning.
LETTERS = {"A": "adapt", "T": "test_again", "D": "adopt", "B": "abandon"}
NUMBERS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
SCHOOLS = ("S0", "S1", "S2")  # team codes; "D" is the DIDT


def _split(text: str, sep: str = "|") -> list[str]:
    return [part.strip() for part in text.split(sep)]


def _rows(text: str) -> list[list[str]]:
    """Parse a text table: one record per line, ``|`` between fields.

    A line starting with ``|`` continues the record above with a new field; a line
    starting with ``+`` continues the record's last field.
    """
    records: list[str] = []
    for raw in text.strip().splitlines():
        line = raw.strip()
        if line and line[0] in "|+" and records:
            records[-1] += (" " if line[0] == "+" else " | ") + line[1:].strip()
        elif line:
            records.append(line)
    return [_split(record) for record in records]


FIRST_NAMES = _split(
    "Ana Amara Ahmed Aiyana Andre Beatriz Bao Bianca Camila Chidi Colin Dana Darius Deepa Elena "
    "Emeka Esther Farah Felix Gabriel Gloria Grace Hana Hector Hiro Imani Ines Isaac Jamal Jin "
    "Joaquin Jonah Kalani Keiko Kofi Kwame Laila Leah Lucia Malik Marcus Marisol Mateo Mei Miriam "
    "Nadia Naveen Nia Noor Omar Owen Paulo Priya Quinn Rafael Rashida Renee Rohan Rosa Samir Sana "
    "Sienna Simone Tariq Theo Tomas Uma Valeria Vivian Wen Wesley Xavier Yara Yusuf Zainab Zoe",
    " ",
)
LAST_NAMES = _split(
    "Abara Adeyemi Alvarez Banerjee Baptiste Bergstrom Brennan Caldwell Castellano Chowdhury Cruz "
    "Delacroix Dlamini Donnelly Dubois Ellison Esposito Fairbanks Farouk Fitzgerald Gallardo "
    "Greenberg Haddad Holloway Ibarra Iwasaki Jablonski Jovanovic Kamara Kaur Kowalczyk Lindgren "
    "Lindqvist Marchetti Mendoza Mwangi Nakamura Novak Nwosu Obi Okonkwo Oyelaran Park Petrakis "
    "Quintero Ramanathan Reyes Rosales Sandoval Sato Schaefer Sorensen Takahashi Thibodeaux Tran "
    "Ueda Umarov Valdez Varga Vasquez Weatherby Whitaker Wojcik Xiong Yazzie Yilmaz Zamora Zhang",
    " ",
)
COORDINATOR_TITLES = ("Assistant principal", "Instructional coach", "Grade-level team lead")
AT_LARGE_TITLES = ("Assistant principal", "School counselor", "English teacher", "Math teacher")
RESEARCH_TITLES = _split(
    "Associate professor of education | Assistant professor of educational policy | "
    "Postdoctoral research fellow | Doctoral research assistant"
)
DEVELOPER_TITLES = ("Senior program developer", "Program developer")

# Building blocks of the PDSA text; every cycle fills them with its own numbers.
OBJECTIVES = _split(
    "Find out whether {actors} can {action}, and whether more {focus} then have {indicator}. | "
    "Test whether we can {action} with {actors}, and learn what it changes for {focus}. | "
    "Learn what it takes for {actors} to {action} week after week, and whether it helps {focus}."
)
EXTRA_QUESTIONS = _split(
    "How much staff time does it take? | What gets in the way on short weeks? | How do students "
    "describe it? | Which students does it miss? | Does it hold up when a teacher is absent?"
)
OBSERVATIONS = _split(
    "Students asked about the routine in the weeks it was skipped. | The same few students came "
    "up every week; most others needed only one contact. | Teachers who co-planned kept the "
    "routine going; those working alone slipped on short weeks. | Recording took longer than the "
    "routine itself at first, about {x} minutes a week. | Follow-up was faster when a request "
    "named a specific class and assignment."
)
SNAGS = _split(
    "a fire drill and a pep rally cut two sessions short | one teacher was out for a week and the "
    "substitute skipped the routine | the shared tracking sheet broke when two people edited it "
    "at once | progress-report week crowded the routine off the agenda"
)
LEARNINGS = _split(
    "what worked at small scale needed a named owner once more people joined | the routine "
    "survived busy weeks only when it sat on an existing meeting agenda | students responded best "
    "when the same adult followed up each time | a one-page record was enough; longer forms went "
    "unused"
)
SHORTFALLS = _split(
    "the routine slipped on short weeks | follow-up depended on one person | students did not see "
    "the point until the second week | the data arrived too late in the week to act on"
)
TWEAKS = _split(
    "move the routine to a day with fewer interruptions | hand the weekly tally to a student "
    "volunteer | shorten the recording sheet to one line per student"
)
STOP_REASONS = _split(
    "a benchmark-testing window took over the periods the test depended on | a schedule change "
    "removed the common planning period | the lead teacher went on leave and no one could take "
    "over the routine"
)
DIDT_OBSERVATIONS = _split(
    "The at-large schools asked for a shorter version for their own meetings. | Coordinators "
    "from the innovation schools did most of the explaining, and that built trust. | Schools "
    "that sent the same people every time moved fastest."
)
DIDT_SNAGS = _split(
    "two schools had testing the same week and sent no one | a snow day pushed one session back "
    "a week | the shared folder permissions locked out the at-large schools for a week"
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
QUESTIONS = (
    "Can {actors} {action} every week for {w} weeks? What share of {focus} will have "
    "{indicator}? {extra}"
)
PREDICTIONS = (
    "The routine runs in at least {k} of {w} weeks. {p}% of {focus} will have {indicator}, up "
    "from about {b}%. Staff time stays under {m} minutes a week."
)
RAN = "Ran {k} of {w} planned weeks with {s2} {unit}. {Snag}."
UNDER_WAY = "Under way: week {week} of {w}, about {s} {unit}. So far {snag}."
STOPPED = "Stopped after {stopped}: {why}."
RESULTS = (
    "{r}% of {focus} had {indicator}, against {p}% predicted (baseline {b}%). Staff time "
    "averaged {m2} minutes a week against the {m} we expected."
)
RESULT_OFFSETS = {"adopt": (0, 6), "test_again": (-5, 2), "adapt": (-15, -6)}  # from prediction
DIDT_TEXT = (
    "District Innovation Design Team of {district}: school representatives, central-office "
    "staff, at-large members, the district liaison and researchers from {research}, facilitated "
    "by program developers from {support}."
)
SIDT_TEXT = (
    "School Innovation Design Team at {}: teachers, an assistant principal and a counselor, "
    "coordinated by the school's representatives on the DIDT."
)
DIDT_LEADS = {"liaison", "facilitator", "central_office"}
DIDT_OTHERS = {"member", "researcher", "at_large", "program_developer"}

# Tables (see _rows):
#   scales: label | scope | teachers (schools for the DIDT) low high | students low high
#   ideas: key | title | owning team or - ; action ; focus | indicator ; snag ; learning ; tweak
#   drivers: primary | description | ideas ; "- " rows are secondary drivers of the one above
#   measures: key | name | kind | unit | days apart | base | drift a week | shift | noise
#             | teams ; description
#   lanes: team | first start | ramps as idea:letters
#   artifacts: key | title | kind | team | idea | vetting | derived from | shared with
#              ; description ; content
# fmt: off
HARROW_CREEK: dict[str, Any] = {
    "slug": "harrow-creek-hs-network",
    "name": "Harrow Creek High-School Innovation Network",
    "description": "Harrow Creek's three innovation high schools and their district design team "
    "test ways to keep ninth graders on track for graduation. School teams run small PDSA "
    "cycles, and the district team spreads what works to every high school.",
    "time_zone": "America/New_York",
    "district": "Harrow Creek Public Schools", "short": "Harrow Creek",
    "domain": "harrowcreek.example",
    "schools": "Wrenfield High School | Cobble Ferry High School | Tamsin Hill High School",
    "other_schools": "Greywillow High School | Ostrander Point High School | Juniper Flats High "
    "School | Marrowby High School",
    "research": "Eastmoor University College of Education | eastmoor.example",
    "support": "Keystep Learning Partners | keystep.example",
    "liaison": "District innovation liaison",
    "office_titles": "Director of Secondary Education | Coordinator of Research and "
    "Accountability | Director of Student Services | Secondary curriculum specialist | Chief "
    "Academic Officer",
    "teacher_titles": "Grade 9 English teacher | Algebra I teacher | Biology teacher | World "
    "history teacher | Special education teacher | English learner specialist | Health teacher "
    "| Spanish teacher",
    "actor": "ninth-grade teacher", "didt_unit": "ninth graders",
    "slots": "Monday morning team time | Wednesday common planning | during advisory | Friday "
    "seventh period",
    "places": "the ninth-grade wing | room 118, the team's planning room | the counseling "
    "office | the library conference room",
    "scales": """
        small-scale test | {actors} and the {s} students in their shared advisory | 1 2 | 22 34
        expanded test | {actors} on one ninth-grade team, about {s} students | 3 5 | 70 120
        grade-wide test | the whole ninth-grade team: {actors}, about {s} students | 8 12 | 220 330
        spread test | the ninth- and tenth-grade teams: {actors}, about {s} students | 15 22
        | 450 620""",
    "didt_scales": """
        pilot in two schools | {actors} at two at-large schools, about {s} ninth graders | 2 2
        | 480 640
        network test
        | {actors} across the innovation schools and one at-large school, about {s} ninth graders
        | 4 4 | 900 1200
        district-wide test | {actors} in every high school, about {s} ninth graders | 7 7
        | 1900 2300""",
    "ideas": """
        watchlist | Weekly on-track watch list | -
        | pull a one-page watch list of ninth graders with a D or F or attendance below 90% every
        + Monday | students on the watch list | a named adult follow-up within seven days
        | the grade export arrived late twice, so the list went out on Tuesday
        | attendance flags surfaced students whose grades still looked fine
        | add a column naming the adult who owns each follow-up
        huddle | 15-minute grade-team huddle | -
        | hold a 15-minute standing huddle on the watch list and give every flagged student an
        + adult owner | students discussed at the huddle | a logged follow-up by Friday
        | huddles ran long whenever the team debated causes instead of next steps
        | a visible timer and a fixed order of names kept the huddle to 15 minutes
        | limit each student to 90 seconds and park longer cases for the counselor
        conference | Student success conferences | -
        | hold a ten-minute goal-setting conference with each flagged student
        | conferenced students | an improved grade or attendance within three weeks
        | finding ten quiet minutes was hard on assembly and testing days
        | students set more realistic goals when they picked one class to focus on
        | use a half-page goal card and schedule the check-in two weeks later
        advisory | Study-habits advisory lessons | -
        | teach a 20-minute advisory lesson on planners and missing work each week
        | students in the advisory sections | no missing assignments at the Friday check
        | two advisory periods were lost to schedule changes
        | students used planners when teachers checked them in the first minutes of class
        | replace the slides with a five-minute planner check and a goal for the week
        family | Positive family contact first | -
        | make two positive calls home for each flagged student before any concern call
        | families of flagged students | a reached family and a logged conversation
        | about a third of the phone numbers on file were out of date
        | families talked far more openly about concerns after a positive first call
        | send a translated text message when a call goes unanswered
        recovery | Friday recovery block | -
        | run a 40-minute Friday block where students finish missing work with a teacher
        | students with missing work | at least one missing assignment completed that week
        | the students who most needed the block were often pulled for other activities
        | a personal invitation from the class teacher doubled attendance at the block
        | send personal invitations on Thursday and post each student's missing work
        mentor | Upperclass peer mentors | -
        | pair flagged ninth graders with trained eleventh-grade mentors who check in twice a week
        | mentored ninth graders | attendance at or above 90% for the cycle
        | mentor check-ins lapsed during the mentors' own exam weeks
        | ninth graders valued mentors who shared their lunch period
        | match mentors by lunch period and give them a one-page check-in script
        network | Common success-team protocol | D
        | use the common success-team protocol in weekly ninth-grade team meetings
        | ninth-grade teams using the protocol | all protocol steps completed in a meeting
        | at-large schools without common planning time met before school instead
        | the protocol travels when a coordinator from an innovation school models it once
        | add a short version of the protocol for schools with 30-minute meetings
        dashboard | Shared on-track dashboard | D
        | update a shared on-track dashboard every Monday and review it in each school's team
        + meeting
        | schools reporting on-track data | data updated by Monday noon
        | two schools uploaded last month's file by mistake
        | school teams trusted the dashboard once it matched their own watch lists
        | automate the Friday export so no one uploads files by hand
        planner | Planner check at the door | S0
        | check ninth graders' planners at the classroom door every Monday
        | ninth graders in pilot classes | a planner entry for every open assignment""",
    "aim": "Raise the share of ninth graders on track for graduation",
    "statement": "By June 2026, 85% of ninth graders in the three innovation high schools will "
    "end the year on track (no course failures, attendance at or above 90%), up from 68% in "
    "2023-24.",
    "drivers": """
        Early identification of students falling off track
        | Teams see who is slipping within a week, not at the end of the quarter. |
        - Timely, shared on-track data
        | Grades and attendance reach teams every week in one format. | watchlist dashboard
        - A weekly team routine for acting on the data
        | A short, protected meeting where every flagged student gets an owner. | huddle network
        Strong relationships with adults and peers
        | Every ninth grader has an adult and a peer who notice and follow up. | mentor
        - Goal-setting with students | Students own a concrete goal for one class.
        | conference advisory
        Families and recovery as partners
        | Families hear good news first, and students have a way back from missing work. |
        - Positive family partnership | Families hear from the school early and often. | family
        - Structured academic recovery | Protected time to finish missing work. | recovery""",
    "team_aim": "S0 | Halve missing assignments among Wrenfield ninth graders | By June 2026, "
    "cut the average number of missing assignments per Wrenfield ninth grader at each progress "
    "report from 4.2 to 2. | Daily organization habits | Students keep track of their own "
    "assignments. | planner",
    "innovation": "Ninth-grade success teams",
    "innovation_text": "Grade-level teams of ninth-grade teachers, a counselor and an assistant "
    "principal meet weekly around an on-track watch list, give every flagged student an adult "
    "owner and follow up with the student and the family within a week.",
    "releases": """
        2024-08-15 | Initial design: a weekly watch list and team meeting.
        2025-01-27
        | Adds the 15-minute huddle protocol and student success conferences from the first school
        + cycles.
        2025-08-11
        | District protocol for every high school, with positive family contact first and a Friday
        + recovery block.""",
    "measures": """
        on-track | Ninth graders on track | outcome | percent | 7 | 67 | 0.06 | 6 | 1.1 | S0 S1 S2
        | Share of ninth graders with no D or F in core courses and attendance at or above 90%.
        follow-up | Flagged students with an adult follow-up within 7 days | process | percent | 7
        | 42 | 0.2 | 20 | 4 | S0 S1 S2
        | Share of watch-list students with a logged follow-up within a week of being flagged.
        meeting-minutes | Teacher minutes per week in grade-team meetings | balancing | minutes
        | 14 | 50 | 0 | 9 | 4 | S0 S1
        | Average minutes per ninth-grade teacher, from a two-question time log.
        recovered | Missing assignments recovered per week | process | count | 7 | 22 | 0.1 | 15
        | 5 | S2 | Missing assignments completed in the recovery block or with a teacher.
        network-on-track | Ninth graders on track across the network | outcome | percent | 14 | 68
        | 0.05 | 4 | 0.8 | D | On-track rate of all ninth graders in the district's high
        + schools.""",
    "lanes": """
        S0 | 2024-09-09 | watchlist:TAD huddle:ADD family:AB conference:ATD advisory:AD
        S0 | 2025-10-06 | mentor:AT recovery:AD family:AD
        S1 | 2024-09-16 | conference:ATD advisory:AX advisory:AAD huddle:TD watchlist:AD
        S1 | 2025-10-13 | family:AD recovery:TD mentor:AD
        S2 | 2024-09-23 | recovery:ATD family:AD mentor:P mentor:AAD huddle:AD
        S2 | 2025-10-20 | conference:TD watchlist:AD advisory:AD
        D | 2025-01-13 | dashboard:AD network:ATD dashboard:TD""",
    "artifacts": """
        a-watchlist | On-track watch list template | template | S0 | watchlist | known_good | -
        | D S1
        | Spreadsheet that turns the Friday grade and attendance export into a Monday watch list.
        | Columns: student, advisory, courses at D or F, attendance this month, owner, follow-up
        + logged. Students with two or more flags at the top.
        a-huddle | 15-minute huddle protocol | protocol | S0 | huddle | known_good | - | D S1 S2
        | Agenda and timing for the weekly ninth-grade huddle.
        | 1. Timer on: 15 minutes. 2. Read the new names on the watch list. 3. Ninety seconds per
        + student: what we know, who owns the follow-up. 4. Park longer cases for the counselor. 5.
        + Log owners before leaving.
        a-huddle-cobble | Huddle protocol, Cobble Ferry adaptation | protocol | S1 | huddle
        | shared | a-huddle | D
        | Cobble Ferry's huddle protocol for a team that meets in two lunch shifts.
        | The Wrenfield steps, split across two lunch shifts; the counselor attends the second
        + shift and takes the parked cases.
        a-conference | Student success conference guide | protocol | S1 | conference | known_good
        | - | S0 S2 | Ten-minute goal-setting conference with a flagged student.
        | Open with a strength. Look at grades together. The student picks one class and one
        + action. Agree on a check-in within two weeks. Record the goal on a half-page card.
        a-conference-wren | Conference guide, Wrenfield adaptation | protocol | S0 | conference
        | shared | a-conference | | Wrenfield's shorter version for conferences held in advisory.
        | Five questions on one card; two conferences a day during advisory; the advisor keeps the
        + cards.
        a-advisory | Study-habits advisory lesson set | tool | S1 | advisory | shared | - | S0
        | Six short advisory lessons on planners, missing work and asking for help.
        | Each lesson: a five-minute planner check, a ten-minute skill (chunking, emailing a
        + teacher, using the recovery block) and a goal for the week.
        a-family-script | Positive family call script | tool | S2 | family | shared | - | S0 S1
        | Call script and log for a positive first contact with families.
        | Introduce yourself and your role. Share one specific positive. Ask what the family sees
        + at home. Offer a way to reach you. Log the call the same day.
        a-recovery | Friday recovery block routine | routine | S2 | recovery | shared | - | D
        | How the Friday 40-minute recovery block runs.
        | Thursday: teachers send personal invitations. Friday: students sign in, pick their oldest
        + missing assignment and work with that class's teacher, who records what was done.
        a-network-protocol | District ninth-grade success team protocol | protocol | D | network
        | known_good | a-huddle | S0 S1 S2
        | The common protocol for weekly success-team meetings in every high school, built from the
        + schools' huddle protocols.
        | Weekly, 30 minutes: watch-list review, an owner for every flagged student, one family
        + contact per owner, a check on last week's follow-ups, and a monthly on-track trend.
        a-dashboard | Network on-track dashboard | tool | D | dashboard | draft | - |
        | Monthly dashboard of on-track rates by school and student group.
        | One page per school: on-track rate by month, flags by type, follow-up rate; a network
        + page compares the innovation schools with the at-large schools.
        a-design | Ninth-grade success teams: innovation design | innovation_design | D | -
        | known_good | - | S0 S1 S2
        | The design document of the district's innovation, revised as school learning came in.
        | Core elements, roles, the weekly rhythm and the evidence behind each element.
        a-report | Year-one learning report | report | D | - | shared | - | S0 S1 S2
        | The research partner's summary of year-one cycles and measures.
        | What the schools tested, which changes held at scale, on-track trends by school, and
        + questions for year two.""",
}

QUILLAN_VALLEY: dict[str, Any] = {
    "slug": "quillan-valley-feedback-network",
    "name": "Quillan Valley Feedback Network",
    "description": "Three Quillan Valley high schools and their district design team test how "
    "teachers in grades 9 and 10 can give feedback that students act on. The network tracks "
    "course pass rates and how often students revise their work after feedback.",
    "time_zone": "America/Chicago",
    "district": "Quillan Valley School District", "short": "Quillan Valley",
    "domain": "quillanvalley.example",
    "schools": "Brindlewood High School | Sedgeford High School | Halvorsen Park High School",
    "other_schools": "North Quillan High School | Millrace High School | Thistledown High School",
    "research": "Westmarch University School of Education | westmarch.example",
    "support": "Fieldnote Design Collaborative | fieldnote.example",
    "liaison": "Coordinator of school improvement",
    "office_titles": "Assistant Superintendent for Teaching and Learning | Director of "
    "Assessment | Secondary literacy coordinator | Director of Professional Learning | Data "
    "analyst",
    "teacher_titles": "English 9 teacher | English 10 teacher | Geometry teacher | Chemistry "
    "teacher | US history teacher | Special education co-teacher | Multilingual learner teacher "
    "| Biology teacher",
    "actor": "teacher", "didt_unit": "teachers",
    "slots": "during work time in class | in the Thursday revision block | after each major "
    "draft | in the last ten minutes on Fridays",
    "places": "English and math classrooms in the 200 hall | the science wing | room 312 | the "
    "library classroom",
    "scales": """
        small-scale test | {actors} with one section each, {s} students | 1 2 | 24 32
        expanded test | {actors} across all their sections, about {s} students | 3 4 | 90 140
        department test
        | {actors} in the grade 9-10 English and math departments, about {s} students | 8 12
        | 300 420
        school-wide test | {actors} across grade 9-10 core courses, about {s} students | 16 24
        | 600 800""",
    "didt_scales": """
        pilot with two schools | {actors} from two schools, about {s} teachers | 2 2 | 12 18
        network test | {actors} from all three innovation schools, about {s} teachers | 3 3 | 30 45
        district-wide test | {actors} from every high school, about {s} teachers | 6 6 | 80 110""",
    "ideas": """
        criteria | Co-constructed success criteria | -
        | build success criteria with students from two exemplars before each major task
        | students in the test sections | a correct restatement of the success criteria
        | comparing exemplars took a full period the first time, not the planned 20 minutes
        | criteria in students' own words were sharper than the teacher's rubric
        | prepare the two exemplars with the differences already highlighted
        glow | Glow-and-grow feedback slips | -
        | return each draft with one glow, one grow and one next step within three school days
        | drafts returned | feedback back within three school days
        | slips piled up in the week of the quarter's grade deadline
        | a single next step was used far more often than a paragraph of comments
        | drop the glow for short tasks and keep only the grow and the next step
        conference | Five-minute feedback conferences | -
        | hold five-minute feedback conferences with four to six students per period
        | students with a conference that week | a revision that addresses the conference point
        | the rest of the class needed a clear task to stay on track during conferences
        | a visible conference queue on the board made the routine predictable
        | post the queue and give the class a checklist task during conferences
        peer | Structured peer feedback | -
        | run a timed peer-feedback protocol with sentence stems and a criteria checklist
        | peer-reviewed drafts | at least one specific, criteria-based peer comment
        | pairs drifted into praise without the sentence stems
        | peer comments improved when students first scored an anonymous sample together
        | start with a five-minute calibration on an anonymous sample
        revision | Protected revision time | -
        | set aside 20 minutes each Thursday for students to act on feedback
        | students with feedback on an open task | a revision submitted by Friday
        | Thursday assemblies cut the block twice
        | students used the time well when the feedback was in their hands by Wednesday
        | return feedback by Wednesday so the Thursday block has something to act on
        tracker | Student progress trackers | -
        | have students log their scores against each success criterion in a one-page tracker
        | students keeping a tracker | an up-to-date tracker at the Friday check
        | paper trackers went missing and about a fifth had to be restarted
        | students who graphed their own scores set specific next goals
        | move the tracker into the course's online notebook with a paper backup
        reflection | Feedback exit reflections | -
        | close Friday classes with a two-question reflection on which feedback was used
        | students completing reflections | a named feedback point they acted on
        | reflections were rushed when the bell schedule was shortened
        | specific prompts drew specific answers; open prompts drew 'it was fine'
        | replace the open prompt with 'Which comment did you use, and where?'
        walks | Cross-school feedback learning walks | D
        | run a 90-minute learning walk on feedback routines, hosted by a different school each time
        | visiting teachers | a routine they commit to test in their own classroom
        | substitute shortages cancelled one walk
        | teachers took up routines they saw working with students like their own
        | pair each visitor with a host teacher for a follow-up call
        rubric | District common writing rubric | D
        | score a common writing task with the district rubric in grade-level teams
        | teachers scoring the common task | scores within one point of the anchor paper
        | the anchor papers arrived a week after the task was given
        | calibrating on two anchors first cut disagreements by half
        | score two anchors together before scoring class sets
        labredo | Lab-report redo station | S1
        | run a lab-report redo station during Friday labs with the feedback slip attached
        | tenth graders with a returned lab report | a revised lab report within a week""",
    "aim": "Raise grade 9-10 pass rates through feedback students act on",
    "statement": "By June 2026, 88% of grade 9-10 students in the three innovation high schools "
    "will pass all core courses, up from 77% in 2023-24, and 80% will revise at least one major "
    "task per unit after feedback.",
    "drivers": """
        Clear learning targets | Students know what good work looks like before they start. |
        - Student-friendly success criteria | Criteria written with students, from real exemplars.
        | criteria
        - Shared scoring across teachers
        | Teachers agree on what each criterion looks like in student work. | rubric
        Timely, actionable feedback
        | Feedback arrives while students can still use it and names one next step. | glow walks
        - Feedback conversations | Short, specific exchanges during class time. | conference peer
        - Time to act on feedback | Class time set aside for revision. | revision
        Students own their progress | Students track and reflect on their own growth. |
        - Self-tracking and reflection | Students record progress and name the feedback they used.
        | tracker reflection""",
    "team_aim": "S1 | Every Sedgeford tenth grader revises a lab report each unit | By June 2026, "
    "90% of Sedgeford tenth graders in chemistry and biology will submit at least one revised "
    "lab report per unit, up from 35%. | Lab-report revision routine | Students get a second "
    "chance at every lab report. | labredo",
    "innovation": "Student-centered feedback cycles",
    "innovation_text": "Teachers in grades 9-10 build success criteria with students, return "
    "short, actionable feedback within three school days and protect class time for students "
    "to act on it; students track their own progress against the criteria.",
    "releases": """
        2024-08-19 | Initial design: success criteria, feedback slips and weekly revision time.
        2025-01-21 | Shorter feedback slip with one next step; revision time moved to Thursdays.
        2025-08-12
        | Adds five-minute feedback conferences and student progress trackers; whole-class peer
        + review becomes optional.""",
    "measures": """
        pass-rate | Grade 9-10 students passing all core courses | outcome | percent | 14 | 76
        | 0.05 | 5 | 1 | S0 S1 S2
        | Share of grade 9-10 students passing every core course at the latest progress report.
        revised | Students who revised a task after feedback | process | percent | 7 | 36 | 0.2
        | 20 | 4 | S0 S1 S2 | Share of students in the test sections who revised work that week.
        feedback-minutes | Teacher minutes per week giving feedback outside class | balancing
        | minutes | 7 | 95 | 0 | -12 | 6 | S0
        | Self-reported minutes per teacher, from a weekly one-line log.
        returned | Drafts returned within three school days | process | count | 7 | 58 | 0.3 | 25
        | 8 | S1 | Drafts returned with a feedback slip within three school days.
        network-routines | Network teachers using a feedback routine every week | process | count
        | 14 | 22 | 0.4 | 14 | 3 | D
        | Teachers in all high schools reporting a weekly feedback routine on the monthly
        + survey.""",
    "lanes": """
        S0 | 2024-09-10 | criteria:TAD glow:AD tracker:AX tracker:AD reflection:TD conference:AD
        S0 | 2025-10-07 | peer:AB revision:AD glow:TD
        S1 | 2024-09-17 | glow:ATD revision:AAD peer:AD criteria:TD
        S1 | 2025-10-14 | conference:AD tracker:TD reflection:AD
        S2 | 2024-09-24 | conference:TAD peer:AB revision:ATD glow:P glow:AD
        S2 | 2025-10-21 | criteria:AD tracker:AD reflection:AD
        D | 2025-01-14 | walks:AD rubric:ATD walks:TD""",
    "artifacts": """
        a-criteria | Success-criteria co-construction protocol | protocol | S0 | criteria
        | known_good | - | D S2 | How to build success criteria with students from two exemplars.
        | Show two exemplars side by side. Students list differences in pairs. The class groups
        + them into three or four criteria in student language, posted and used in every slip.
        a-criteria-halvorsen | Success-criteria protocol, Halvorsen Park adaptation | protocol | S2
        | criteria | shared | a-criteria | | Halvorsen Park's version for science labs.
        | Exemplars are two lab reports; criteria are drafted in lab groups and checked against the
        + state lab rubric.
        a-slip | Glow-and-grow feedback slip | template | S1 | glow | known_good | - | S0 S2 D
        | Half-page feedback slip attached to each draft.
        | One glow and one grow tied to criteria, one next step the student can do in 20 minutes,
        + and a box for the student's revision note.
        a-slip-brindlewood | Feedback slip, Brindlewood adaptation | template | S0 | glow | shared
        | a-slip | | Brindlewood's digital version of the feedback slip.
        | The slip as a comment bank in the learning platform; the next step is pinned to the top
        + of the assignment.
        a-queue | Feedback conference queue | tool | S2 | conference | shared | - | S0
        | Board display and log for five-minute feedback conferences.
        | Four to six names per period, the point each conference covers, and a tick when the
        + revision comes in.
        a-revision | Thursday revision routine | routine | S1 | revision | shared | - | D
        | How the 20-minute Thursday revision block runs.
        | Feedback returned by Wednesday. Thursday: students read their next step, revise for 15
        + minutes and write a one-line revision note; the teacher confers with two or three.
        a-peer-stems | Peer-feedback sentence stems | tool | S1 | peer | draft | - |
        | Sentence stems and a checklist for timed peer feedback.
        | Stems: 'The criterion I see most clearly is...', 'One place to strengthen is...',
        + 'Try...'. A checklist of the task's criteria.
        a-tracker | Student progress tracker | template | S0 | tracker | shared | - | S2
        | One-page tracker where students log scores against each criterion.
        | A row per task, a column per criterion, a mini graph and a goal line for the next task.
        a-walk-protocol | Feedback learning-walk protocol | protocol | D | walks | known_good | -
        | S0 S1 S2 | The protocol for monthly cross-school learning walks on feedback routines.
        | Pre-brief on the host's routine, three 15-minute classroom visits, a debrief on evidence
        + of students using feedback, and a commitment card for each visitor.
        a-rubric | District common writing rubric | tool | D | rubric | shared | - | S0 S1 S2
        | Four-criterion rubric and anchor papers for the common writing task.
        | Claim, evidence, reasoning, conventions; four levels each; two anchor papers per level
        + with scoring notes.
        a-design | Student-centered feedback cycles: innovation design | innovation_design | D | -
        | known_good | - | S0 S1 S2
        | The design document of the district's innovation, revised as school learning came in.
        | Core elements, roles, the weekly rhythm of feedback and revision, and the evidence behind
        + each element.
        a-report | Year-one learning report | report | D | - | shared | - | S0 S1 S2
        | The research partner's summary of year-one cycles and measures.
        | What the schools tested, which routines held at scale, pass-rate and revision trends by
        + school, and questions for year two.""",
}
# fmt: on

DISTRICTS: tuple[dict[str, Any], ...] = (HARROW_CREEK, QUILLAN_VALLEY)


@dataclass
class Idea:
    key: str
    title: str
    action: str
    focus: str
    indicator: str
    snag: str = ""
    learning: str = ""
    tweak: str = ""
    team: str = "-"  # the owning team's code, or "-"


@dataclass
class Cycle:
    team: str  # team code
    idea: Idea
    step: int  # position in its ramp
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
    n: dict[str, Any] = field(default_factory=dict)  # the numbers and phrases of its text

    @property
    def start(self) -> date:
        return self.actual_start or self.planned_start

    @property
    def end(self) -> date:
        return self.actual_end or self.planned_end

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


def _short(school: str) -> str:
    return school.removesuffix(" High School")


def _idea(row: list[str]) -> Idea:
    """A change idea from its table row (ideas without cycles need no snag, learning, tweak)."""
    key, title, team, action, focus, indicator, *rest = row
    snag, learning, tweak = (*rest, "", "", "")[:3]
    return Idea(f"ci-{key}", title, action, focus, indicator, snag, learning, tweak, team)


def _version(
    n: int, day: date, summary: str, content: str, author: str, c: Cycle | None = None
) -> dict[str, Any]:
    return dict(
        number=n, created_on=day, summary=summary, content=content, url="", author=author, cycle=c
    )


class _Builder:
    """Builds one community document from a district's configuration."""

    def __init__(self, cfg: dict[str, Any], seed: int, used_names: set[str]) -> None:
        self.cfg, self.rng, self.used = cfg, random.Random(seed), used_names
        self.last_names: set[str] = set()
        self.schools = _split(cfg["schools"])
        shorts = dict(zip(SCHOOLS, map(_short, self.schools), strict=True))
        self.team = {"D": f"{cfg['short']} DIDT"} | {k: f"{s} SIDT" for k, s in shorts.items()}
        self.code_slug = {"D": "didt"} | {k: _slug(s) for k, s in shorts.items()}
        self.ideas = {row[0]: _idea(row) for row in _rows(cfg["ideas"])}
        self.people: list[dict[str, Any]] = []
        self.person: dict[str, dict[str, Any]] = {}
        self.cycles: list[Cycle] = []
        self.measures: dict[str, list[dict[str, Any]]] = {code: [] for code in (*SCHOOLS, "D")}
        self.versions: dict[str, list[dict[str, Any]]] = {}
        self.links: list[dict[str, Any]] = []
        self.linked: set[tuple[str, str]] = set()
        self.finals = iter(FINAL_STATUSES)
        self.facilitator = self.lead_researcher = ""

    def build(self) -> dict[str, Any]:
        cfg = self.cfg
        self._people()
        for r in _rows(cfg["measures"]):
            every, base, drift, jump, noise = map(float, r[4:9])
            spec = dict(name=r[1], kind=r[2], unit=r[3], text=r[10], every=every, base=base)
            spec |= dict(drift=drift, jump=jump, noise=noise)
            for code in r[9].split():
                self.measures[code].append(spec | {"key": f"m-{self.code_slug[code]}-{r[0]}"})
        for code, start, pattern in _rows(cfg["lanes"]):
            self._lane(code, date.fromisoformat(start), pattern)
        self.cycles.sort(key=lambda c: (c.start, c.team))
        counts = dict.fromkeys(self.team, 0)
        for c in self.cycles:
            counts[c.team] += 1
            c.key = f"c-{self.code_slug[c.team]}-{counts[c.team]}"
        measures = [self._measure_doc(code, m) for code, ms in self.measures.items() for m in ms]
        artifacts = [self._artifact(r) for r in _rows(cfg["artifacts"])]
        self._links()
        releases = [
            dict(number=i, released_on=date.fromisoformat(day), summary=text)
            for i, (day, text) in enumerate(_rows(cfg["releases"]), 1)
        ]
        innovation = dict(name=cfg["innovation"], description=cfg["innovation_text"])
        community = {k: cfg[k] for k in ("slug", "name", "description")}
        community |= {"method": "PDSA", "time_zone": cfg["time_zone"]}
        organizations, teams = self._structure()
        return dict(
            format=FORMAT,
            community=community,
            organizations=organizations,
            teams=teams,
            people=self.people,
            innovations=[innovation | {"versions": releases}],
            aims=self._aims(),
            measures=measures,
            cycles=[self._cycle_doc(c) for c in self.cycles],
            artifacts=artifacts,
            links=sorted(self.links, key=lambda x: (x["date"], x["source"], x["target"])),
        )

    # --- organizations, teams, people ---------------------------------------------

    def _structure(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """The organizations, and the teams: the DIDT and one SIDT per innovation school."""
        cfg = self.cfg
        research, support = _split(cfg["research"])[0], _split(cfg["support"])[0]
        schools = [*self.schools, *_split(cfg["other_schools"])]
        orgs = [dict(name=cfg["district"], kind="district")]
        orgs += [dict(name=name, kind="school") for name in schools]
        orgs += [dict(name=research, kind="research_partner")]
        orgs += [dict(name=support, kind="support_organization")]
        text = DIDT_TEXT.format(district=cfg["district"], research=research, support=support)
        didt = dict(name=self.team["D"], kind="district_design_team", organization=cfg["district"])
        teams = [didt | {"parent": None, "description": text}]
        for code, school in zip(SCHOOLS, self.schools, strict=True):
            sidt = dict(name=self.team[code], kind="school_design_team", organization=school)
            teams.append(sidt | {"parent": self.team["D"], "description": SIDT_TEXT.format(school)})
        return orgs, teams

    def _person(self, title: str, org: str, domain: str | None = None) -> str:
        """A new person with an invented name, unique across both communities."""
        while True:
            first, last = self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)
            if f"{first} {last}" not in self.used and last not in self.last_names:
                break
        self.used.add(f"{first} {last}")
        self.last_names.add(last)
        key = _slug(f"{first} {last}")
        email = f"{_slug(first)}.{_slug(last)}@{domain or self.cfg['domain']}"
        self.person[key] = dict(key=key, name=f"{first} {last}", email=email, title=title)
        self.person[key] |= dict(organization=org, memberships=[])
        self.people.append(self.person[key])
        return key

    def _join(self, key: str, code: str, role: str, start: date) -> None:
        self.person[key]["memberships"].append(dict(team=self.team[code], role=role, start=start))

    def _leave(self, key: str, code: str, end: date) -> None:
        [m for m in self.person[key]["memberships"] if m["team"] == self.team[code]][-1]["end"] = (
            end
        )

    def _people(self) -> None:
        """The DIDT and SIDT rosters, with two school years of comings and goings."""
        cfg, rng, start, y2 = self.cfg, self.rng, YEAR1_START, YEAR2_START
        titles = _split(cfg["teacher_titles"])
        for i, (code, school) in enumerate(zip(SCHOOLS, self.schools, strict=True)):
            coordinators = []  # the school's representatives on the DIDT
            for title in rng.sample(COORDINATOR_TITLES, rng.choice((2, 3))):
                coordinators.append(key := self._person(title, school))
                self._join(key, code, "coordinator", start)
                self._join(key, "D", "member", start)
            staff = ["Assistant principal", "School counselor", *rng.sample(titles, 4)]
            members = [self._person(title, school) for title in staff]
            for key in members:
                self._join(key, code, "member", start)
            self._leave(members[5], code, YEAR1_END)
            self._join(self._person(rng.choice(titles), school), code, "member", y2)
            if i == 0:  # a mid-year replacement, and a coordinator role that rotates
                self._leave(members[4], code, date(2025, 1, 31))
                key = self._person(rng.choice(titles), school)
                self._join(key, code, "member", date(2025, 2, 10))
                out, new = coordinators[0], members[2]
                self._leave(out, code, YEAR1_END)
                self._leave(out, "D", YEAR1_END)
                self._join(out, code, "member", y2)
                self._leave(new, code, date(2025, 7, 31))
                self._join(new, code, "coordinator", y2)
                self._join(new, "D", "member", y2)
            elif i == 1:
                key = self._person(rng.choice(titles), school)
                self._join(key, code, "member", date(2026, 1, 12))
            else:
                self._leave(members[4], code, date(2025, 12, 19))
        district, others = cfg["district"], _split(cfg["other_schools"])
        office = rng.sample(_split(cfg["office_titles"]), 5)
        central = [self._person(title, district) for title in office]
        for key, day in zip(central, [start] * 4 + [y2], strict=True):
            self._join(key, "D", "central_office", day)
        self._leave(central[3], "D", YEAR1_END)
        at_large = [
            self._person(rng.choice(AT_LARGE_TITLES), others[j % len(others)]) for j in range(8)
        ]
        for key, day in zip(
            at_large, [start] * 6 + [date(2025, 2, 10), date(2025, 9, 15)], strict=True
        ):
            self._join(key, "D", "at_large", day)
        self._leave(at_large[5], "D", date(2025, 1, 31))
        self._leave(at_large[4], "D", YEAR1_END)
        self._join(self._person(cfg["liaison"], district), "D", "liaison", start)
        org, domain = _split(cfg["research"])
        researchers = [self._person(title, org, domain) for title in RESEARCH_TITLES]
        for key, day in zip(researchers, (start, start, start, y2), strict=True):
            self._join(key, "D", "researcher", day)
        self._leave(researchers[2], "D", YEAR1_END)
        org, domain = _split(cfg["support"])
        developers = [self._person(title, org, domain) for title in DEVELOPER_TITLES]
        self._join(developers[0], "D", "facilitator", start)
        self._join(developers[1], "D", "program_developer", start)
        self.facilitator, self.lead_researcher = developers[0], researchers[0]

    def _active(self, code: str, day: date, roles: set[str]) -> list[str]:
        """People holding one of ``roles`` on a team on a day."""
        team = self.team[code]
        return [
            p["key"]
            for p in self.people
            for m in p["memberships"]
            if m["team"] == team and m["role"] in roles and m["start"] <= day <= m.get("end", day)
        ]

    def _authors(self, code: str, day: date) -> list[str]:
        """A lead (a coordinator, or DIDT staff) and up to two other members of the team."""
        d = code == "D"
        leads = self._active(code, day, DIDT_LEADS if d else {"coordinator"})
        others = self._active(code, day, DIDT_OTHERS if d else {"member"})
        return [self.rng.choice(leads), *self.rng.sample(others, self.rng.randint(0, 2))]

    # --- cycles ----------------------------------------------------------------

    def _lane(self, code: str, start: date, pattern: str) -> None:
        """Schedule one lane of ramps, one cycle after another; the last is still under way."""
        rng = self.rng
        cursor, prev = start, None
        for token in pattern.split():
            name, letters = token.split(":")
            base = rng.randint(30, 55)
            for step, letter in enumerate(letters):
                ps = SUMMER[1] + _days(rng, 4, 10) if SUMMER[0] < cursor < SUMMER[1] else cursor
                pe = ps + _days(rng, 14, 35)
                c = Cycle(code, self.ideas[name], step, "completed", ps, pe, ps + _days(rng, 0, 3))
                c.actual_end = max(pe + _days(rng, -2, 5), c.start + timedelta(days=14))
                c.builds_on = prev if step > 0 else None
                if c.end > TODAY - timedelta(days=45):
                    self._under_way(c, next(self.finals, "planning"), letter)
                    self._add(c, base)
                    return
                if letter == "X":
                    c.status, c.stop, c.actual_end = "abandoned", 2, c.start + _days(rng, 7, 12)
                elif letter == "P":
                    c.status, c.stop, c.actual_start, c.actual_end = "abandoned", 1, None, None
                else:
                    c.decision = LETTERS[letter]
                self._add(c, base)
                prev, cursor = c, c.end + _days(rng, *((25, 50) if code == "D" else (6, 20)))

    def _under_way(self, c: Cycle, status: str, letter: str) -> None:
        """Re-date the cycle that is in progress at TODAY."""
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
            c.actual_start, c.actual_end = TODAY - _days(rng, 30, 38), TODAY - _days(rng, 3, 8)
            c.planned_start = c.actual_start - _days(rng, 0, 2)
            c.planned_end = c.actual_end - _days(rng, 0, 3)
        if status == "acting":
            c.decision = LETTERS.get(letter, "adapt")

    def _add(self, c: Cycle, base: int) -> None:
        """Choose a cycle's authors, measures, scale and numbers, and keep it."""
        rng, cfg, d = self.rng, self.cfg, c.team == "D"
        c.authors = self._authors(c.team, c.start)
        c.measures = [
            m["key"] for m in self.measures[c.team] if m["kind"] == "process" or d or c.step
        ]
        scales = _rows(cfg["didt_scales" if d else "scales"])
        label, scope, teachers, students = scales[min(c.step, len(scales) - 1)]
        t, s = (rng.randint(*map(int, text.split())) for text in (teachers, students))
        noun = "school team" if d else cfg["actor"]
        actors = f"{NUMBERS[t] if t < 10 else t} {noun}{'s' if t > 1 else ''}"
        b = base + rng.randint(-3, 3) + 3 * c.step
        p = min(95, b + rng.randint(12, 22))
        if c.decision == "abandon":
            r = b + rng.randint(-2, 4)
        else:
            r = min(99, p + rng.randint(*RESULT_OFFSETS[c.decision or "adapt"]))
        w, m = max(2, (c.planned_end - c.planned_start).days // 7), rng.choice((15, 20, 25, 30, 40))
        first = c.step == 0
        c.n = dict(label=label, noun=noun, actors=actors, scope=scope.format(actors=actors, s=s))
        c.n |= dict(s=s, s2=s - rng.randint(0, s // 10), unit=cfg["didt_unit"] if d else "students")
        c.n |= dict(b=b, p=p, r=r, w=w, k=max(2, w - rng.randint(0, 1)), m=m, x=rng.randint(10, 25))
        c.n |= dict(m2=max(5, m + rng.randint(-8, 12)), objective=rng.choice(OBJECTIVES))
        c.n |= dict(extra=rng.choice(EXTRA_QUESTIONS), why=rng.choice(STOP_REASONS))
        c.n |= dict(obs=rng.choice(DIDT_OBSERVATIONS if d else OBSERVATIONS))
        c.n |= dict(snag=c.idea.snag if first else rng.choice(DIDT_SNAGS if d else SNAGS))
        c.n |= dict(learning=_cap(c.idea.learning if first else rng.choice(LEARNINGS)))
        c.n |= dict(tweak=c.idea.tweak if first else rng.choice(TWEAKS))
        c.n |= dict(shortfall=rng.choice(SHORTFALLS))
        c.n |= dict(slot=rng.choice(DIDT_SLOTS if d else _split(cfg["slots"])))
        c.n |= dict(place=rng.choice(DIDT_PLACES if d else _split(cfg["places"])))
        self.cycles.append(c)

    def _phases(self, c: Cycle) -> dict[str, dict[str, Any]]:
        """The PDSA text of a cycle, filled up to the phase its status has reached."""
        idea, n = c.idea, c.n
        weeks = max(1, (c.end - c.start).days // 7)
        f = n | dict(action=idea.action, focus=idea.focus, indicator=idea.indicator)
        f |= dict(week=(TODAY - c.start).days // 7 + 1, Snag=_cap(n["snag"]))
        f |= dict(stopped=f"{weeks} week{'s' if weeks > 1 else ''}")
        names = [self.person[a]["name"] for a in c.authors]
        who = f"{names[0]} leads, with {n['scope']}."
        if len(names) > 1:
            who += f" {_and(names[1:])} {'keep' if len(names) > 2 else 'keeps'} the weekly tally."
        what = _cap(idea.action) + "."
        if c.builds_on:
            what += f" One change from the last cycle: {c.builds_on.n['tweak']}."
        measures = [m["name"] for m in self.measures[c.team] if m["key"] in c.measures]
        measures += [f"a weekly tally of {idea.focus} with {idea.indicator}", "a short time log"]
        site = self.cfg["district"] if c.team == "D" else self.schools[int(c.team[1])]
        when = f"{n['w']} weeks, {_day(c.planned_start)} to {_day(c.planned_end)}, {n['slot']}."
        plan = dict(objective=n["objective"].format(**f), questions=QUESTIONS.format(**f))
        plan |= dict(predictions=PREDICTIONS.format(**f), who=who, what=what, when=when)
        plan |= dict(where=f"{_cap(n['place'])}, {site}.", measures="; ".join(measures) + ".")
        phases = {"plan": plan}
        if c.level >= 2:
            happened = {"abandoned": STOPPED, "doing": UNDER_WAY}.get(c.status, RAN).format(**f)
            phases["do"] = dict(what_happened=happened, observations=n["obs"].format(**f))
        if c.level >= 3:
            phases["study"] = dict(results=RESULTS.format(**f))
            if c.status != "studying":  # a studying cycle is still working out its learning
                phases["study"]["learning"] = LEARN[c.decision or "adapt"].format(**f)
        if c.level >= 4 and c.decision:
            phases["act"] = dict(decision=c.decision, rationale=RATIONALE[c.decision].format(**f))
            if c.status == "completed":
                phases["act"]["next_steps"] = NEXT_STEPS[c.decision].format(**f)
        return phases

    def _cycle_doc(self, c: Cycle) -> dict[str, Any]:
        title = f"{c.idea.title}: {c.n['label']}"
        title += "" if c.team == "D" else f" with {c.n['actors']}"
        doc: dict[str, Any] = dict(key=c.key, title=title, team=self.team[c.team])
        doc["change_idea"] = c.idea.key
        doc |= {"builds_on": c.builds_on.key} if c.builds_on else {}
        doc |= {"status": c.status} | self._phases(c)
        doc |= dict(planned_start=c.planned_start, planned_end=c.planned_end)
        doc |= {
            k: v for k, v in (("actual_start", c.actual_start), ("actual_end", c.actual_end)) if v
        }
        return doc | dict(authors=c.authors, measures=c.measures)

    # --- aims, measures, artifacts ---------------------------------------------------

    def _adopted(self, team: str | None = None, idea: Idea | None = None) -> list[Cycle]:
        """Completed cycles that adopted their change, optionally of one team or idea."""
        return [
            c
            for c in self.cycles
            if c.decision == "adopt" and c.status == "completed" and team in (None, c.team)
            if idea in (None, c.idea)
        ]

    def _idea_doc(self, name: str) -> dict[str, Any]:
        """A change idea, its stage following how far its adoption has spread."""
        idea = self.ideas[name]
        teams = {c.team for c in self._adopted(idea=idea)}
        spread = "D" in teams or len(teams) > 1
        stage = "spreading" if spread else "implementing" if teams else "testing"
        doc = dict(key=idea.key, title=idea.title, description=_cap(idea.action) + ".")
        return doc | dict(stage=stage, team=None if idea.team == "-" else self.team[idea.team])

    def _aims(self) -> list[dict[str, Any]]:
        """The community-wide aim with its driver diagram, and one team-level aim."""
        drivers: list[dict[str, Any]] = []
        for title, text, ideas in _rows(self.cfg["drivers"]):
            driver: dict[str, Any] = dict(title=title.removeprefix("- "), description=text)
            driver["change_ideas"] = [self._idea_doc(k) for k in ideas.split()]
            if title.startswith("- "):
                drivers[-1]["secondary"].append(driver)
            else:
                drivers.append(driver | {"secondary": []})
        code, title, statement, driver_title, text, idea = _split(self.cfg["team_aim"])
        team_driver: dict[str, Any] = dict(title=driver_title, description=text)
        team_driver["change_ideas"] = [self._idea_doc(idea)]
        aim = dict(title=self.cfg["aim"], statement=self.cfg["statement"], team=None)
        team_aim = dict(title=title, statement=statement, team=self.team[code])
        return [
            aim | dict(target_date=YEAR2_END, drivers=drivers),
            team_aim | dict(target_date=YEAR2_END, drivers=[team_driver]),
        ]

    def _measure_doc(self, code: str, m: dict[str, Any]) -> dict[str, Any]:
        shift = min(self._adopted(None if code == "D" else code), key=lambda c: c.end, default=None)
        doc = dict(key=m["key"], name=m["name"], kind=m["kind"], unit=m["unit"])
        doc |= self._definition(m)
        return doc | dict(team=self.team[code], description=m["text"], data=self._series(m, shift))

    @staticmethod
    def _definition(m: dict[str, Any]) -> dict[str, Any]:
        """How the team defines and charts a measure: counts on a c chart, the rest on an
        XmR chart; a goal a change's worth above the start, except for balancing measures."""
        counted = m["unit"] == "count"
        balancing = m["kind"] == "balancing"
        return dict(
            operational_definition=m["text"],
            data_source="The team's own tally, entered after each data meeting.",
            collection_frequency="weekly" if m["every"] == 7 else "fortnightly",
            chart_type="c" if counted else "xmr",
            direction=None if balancing else "up",
            goal=None if balancing else round(m["base"] + m["jump"], 1),
            goal_date=None if balancing else YEAR2_END,
        )

    def _series(self, m: dict[str, Any], shift: Cycle | None) -> list[dict[str, Any]]:
        """Weekly or biweekly values that drift, with a shift after the first adopted change;
        points that fall within a cycle measuring them name that cycle."""
        tagged = [c for c in self.cycles if m["key"] in c.measures and c.actual_start]
        points: list[dict[str, Any]] = []
        noted = False
        for first, last in DATA_TERMS:
            day = first - timedelta(days=m["every"])
            while (day := day + timedelta(days=m["every"])) <= last:
                if (day.month, day.day) >= (12, 21) or (day.month, day.day) <= (1, 3):
                    continue  # winter break
                value = m["base"] + m["drift"] * (day - DATA_TERMS[0][0]).days / 7
                value += self.rng.gauss(0, m["noise"])
                point: dict[str, Any] = {"date": day}
                if shift and day > shift.end:
                    value += m["jump"] * min(1.0, (day - shift.end).days / 21)
                    if not noted:
                        point["note"] = f"First data after adopting: {shift.idea.title.lower()}."
                        noted = True
                if day.month == 11 and 22 <= day.day <= 28:
                    point["note"] = "Short week (Thanksgiving break)."
                value = min(100.0, max(0.0, value)) if m["unit"] == "percent" else max(0.0, value)
                point["value"] = round(value) if m["unit"] == "count" else round(value, 1)
                within = [c for c in tagged if c.start <= day <= (c.actual_end or TODAY)]
                points.append(point | ({"cycle": within[0].key} if within else {}))
        return points

    def _artifact(self, row: list[str]) -> dict[str, Any]:
        key, title, kind, code, idea, vetting, derived, shared, text, content = row
        source = None if derived == "-" else derived
        self.versions[key] = versions = self._versions(kind, code, idea, source, content)
        for v in versions:
            v |= dict(idea=idea, shared=shared.split(), kind=kind, derived=source)
        doc: dict[str, Any] = dict(key=key, title=title, kind=kind, team=self.team[code])
        doc["description"] = text
        doc |= {"vetting": vetting} | ({"derived_from": source} if source else {})
        doc["shared_with"] = [self.team[t] for t in shared.split()]
        fields = ("number", "created_on", "summary", "content", "url", "author")
        return doc | {"versions": [{k: v[k] for k in fields} for v in versions]}

    def _versions(
        self, kind: str, code: str, idea: str, derived: str | None, content: str
    ) -> list[dict[str, Any]]:
        """Versions follow the completed cycles that produced them, in order."""
        if kind == "innovation_design":
            releases = enumerate(_rows(self.cfg["releases"]), 1)
            return [
                _version(
                    n,
                    date.fromisoformat(day) - timedelta(days=2),
                    text,
                    f"{content} {text}",
                    self.facilitator,
                )
                for n, (day, text) in releases
            ]
        if kind == "report":
            summary = "Year-one learning report for the DIDT's summer retreat."
            return [_version(1, REPORT_DAY, summary, content, self.lead_researcher)]
        floor = self.versions[derived][0]["created_on"] if derived else YEAR1_START
        made = [c for c in self.cycles if c.team == code and c.idea.key == f"ci-{idea}"]
        made = [c for c in made if c.status == "completed" and c.decision != "abandon"]
        made = [c for c in made if c.end >= floor]
        made = [made[0], made[len(made) // 2], made[-1]] if len(made) > 3 else made
        versions: list[dict[str, Any]] = []
        last = floor
        for n, c in enumerate(made, 1):
            last = max(c.end + _days(self.rng, 1, 5), last + timedelta(days=1))
            if n == 1:
                summary, text = f"First version, written up after the {c.n['label']}.", content
            else:
                summary = f"Revised after the {c.n['label']}: {c.n['tweak']}."
                text = f"{content} Version {n} change: {c.n['tweak']}."
            versions.append(_version(n, last, summary, text, c.authors[0], c))
        if not versions:  # adapted before the team ran a cycle on it
            day = floor + timedelta(days=21)
            author = self._active(code, day, {"coordinator", "liaison"})[0]
            versions.append(
                _version(1, day, "First version, adapted before testing.", content, author)
            )
        return versions

    # --- learning links ----------------------------------------------------------

    def _link(
        self, source: Cycle | dict[str, Any], target: Cycle | dict[str, Any], kind: str, note: str
    ) -> None:
        """Record that ``source`` informed ``target``, dated on or just after the target."""
        (src, src_day), (dst, dst_day) = self._ref(source), self._ref(target)
        if dst_day < src_day or src == dst or (src, dst) in self.linked:
            return
        self.linked.add((src, dst))
        day = max(dst_day, min(dst_day + _days(self.rng, 0, 3), TODAY))
        self.links.append(dict(source=src, target=dst, kind=kind, date=day, note=note))

    def _ref(self, node: Cycle | dict[str, Any]) -> tuple[str, date]:
        """A node as the file refers to it, with its date."""
        if isinstance(node, Cycle):
            return f"cycle:{node.key}", node.start
        artifact = next(k for k, vs in self.versions.items() if any(v is node for v in vs))
        return f"artifact_version:{artifact}#{node['number']}", node["created_on"]

    def _recent(self, before: date, limit: int, teams: tuple[str, ...] = SCHOOLS) -> list[Cycle]:
        """Completed cycles (adopted first) that ended in the 150 days before a day, one a team."""
        found = [c for c in self.cycles if c.status == "completed" and c.team in teams]
        found = [c for c in found if before - timedelta(days=150) <= c.end <= before]
        found.sort(key=lambda c: (c.decision != "adopt", -c.end.toordinal()))
        picked: list[Cycle] = []
        for c in found:
            if c.team not in {p.team for p in picked} and len(picked) < limit:
                picked.append(c)
        return picked

    def _first_after(self, team: str, day: date, idea: str = "-") -> Cycle | None:
        """The first started cycle of a team on or after a day (on an idea, unless "-")."""
        later = [c for c in self.cycles if c.team == team and c.actual_start and c.start >= day]
        later = [c for c in later if idea in ("-", c.idea.key.removeprefix("ci-"))]
        return min(later, key=lambda c: c.start, default=None)

    def _links(self) -> None:
        """Learning across schools, up to the DIDT and back down, and through artifacts."""
        schools = [c for c in self.cycles if c.team != "D" and c.actual_start]
        for y in schools:  # from school to school, on the same change idea
            earlier = [x for x in schools if x.team != y.team and x.idea is y.idea]
            earlier = [x for x in earlier if x.status == "completed" and x.end <= y.start]
            if y.step == 0 and earlier:
                x = max(earlier, key=lambda c: c.end)
                kind = "builds_on" if x.decision == "adopt" else "informed"
                note = f"Started from {_short(self.schools[int(x.team[1])])}'s cycle on this idea."
                self._link(x, y, kind, note)
        for y in (c for c in self.cycles if c.team == "D" and c.actual_start):
            up = self._recent(y.start, 2)  # learning travels up to the DIDT ...
            for x, kind in zip(up, ("shared_at", "informed"), strict=False):
                self._link(x, y, kind, "School results the DIDT used in planning this cycle.")
            if y.status == "completed":  # ... and back down to two of the schools
                for code in sorted(self.rng.sample(SCHOOLS, 2)):
                    if z := self._first_after(code, y.end):
                        self._link(
                            y, z, "informed", "Coordinators brought the DIDT's learning back."
                        )
        for versions in self.versions.values():
            previous = YEAR1_START
            for v in versions:
                if v["cycle"]:
                    self._link(v["cycle"], v, "informed", "This cycle's results went into it.")
                elif v["kind"] == "report" or v["number"] > 1:
                    for x in self._recent(v["created_on"], 2, ("D", *SCHOOLS)):
                        self._link(x, v, "informed", "Evidence cited in this version.")
                if v["kind"] == "innovation_design":
                    for report in self.versions["a-report"]:
                        if previous < report["created_on"] <= v["created_on"]:
                            self._link(report, v, "informed", "The year-one report shaped it.")
                for team in self.rng.sample(v["shared"], min(2, len(v["shared"]))):
                    if user := self._first_after(team, v["created_on"], v["idea"]):
                        kind = "shared_at" if team == "D" else "informed"
                        self._link(v, user, kind, f"{self.team[team]} used this version here.")
                previous = v["created_on"]
            if derived := versions[0]["derived"]:
                made = versions[0]["created_on"]
                source = [s for s in self.versions[derived] if s["created_on"] <= made]
                self._link(source[-1], versions[0], "adapted_from", f"Adapted from {derived}.")


def demo_communities(today: date | None = None) -> list[dict[str, Any]]:
    """The two DEMO community documents, identical on every run of a day, with their
    "now" on ``today`` (by default the day it runs), to the week."""
    used: set[str] = set()
    shift = demo_shift(today or date.today())
    return [
        _shifted(_Builder(cfg, SEED + i, used).build(), shift) for i, cfg in enumerate(DISTRICTS)
    ]


def demo_shift(today: date) -> timedelta:
    """How far the demo's dates move so that its :data:`TODAY` falls in the week of
    ``today``: whole weeks, so every date keeps its weekday (meetings stay on Tuesdays)."""
    return timedelta(weeks=(today - TODAY).days // 7)


_MONTH_YEAR = re.compile(
    r"\b(January|February|March|April|May|June|July|August|September|October|November"
    r"|December) (\d{4})\b"
)
_SCHOOL_YEAR = re.compile(r"\b(\d{4})-(\d\d)\b")


def _shifted(value: Any, shift: timedelta) -> Any:
    """``value`` (a document, or any part of it) with every date moved by ``shift``, and
    the dates its texts name ("By June 2026", "in 2023-24") moved with them."""
    if isinstance(value, date):
        return value + shift
    if isinstance(value, dict):
        return {key: _shifted(item, shift) for key, item in value.items()}
    if isinstance(value, list):
        return [_shifted(item, shift) for item in value]
    if isinstance(value, str) and shift and (" 20" in value or "-2" in value):
        return _dated_text(value, shift)
    return value


def _dated_text(text: str, shift: timedelta) -> str:
    years = round(shift.days / 365.25)

    def month_year(found: re.Match[str]) -> str:
        month = _MONTH_YEAR.pattern.split("(")[1].split(")")[0].split("|").index(found[1]) + 1
        return f"{date(int(found[2]), month, 15) + shift:%B %Y}"

    def school_year(found: re.Match[str]) -> str:
        first = int(found[1])
        if not 2000 <= first <= 2100 or (first + 1) % 100 != int(found[2]):
            return found[0]  # not a school year ("2024-09" is left alone)
        return f"{first + years}-{(first + years + 1) % 100:02d}"

    return _SCHOOL_YEAR.sub(school_year, _MONTH_YEAR.sub(month_year, text))


class _Dumper(yaml.SafeDumper):
    """The safe dumper, writing repeated values (shared dates) in full instead of as anchors."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


if __name__ == "__main__":
    yaml.dump_all(demo_communities(), sys.stdout, _Dumper, sort_keys=False, allow_unicode=True)
