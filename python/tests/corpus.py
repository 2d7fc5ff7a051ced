"""Texts that make findings, the repository, and a way to run the command
line: shared by the tests of the Python package."""

import pathlib
import subprocess

REPO = pathlib.Path(__file__).resolve().parents[2]


def run_cli(binary: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([binary, *args], capture_output=True, text=True, check=False)


ARTICLE = (
    "The city council of Astana approved a new budget on Tuesday that raises spending on public "
    "transport by twelve percent. Mayor Zhenis Kassymbek said the money will buy 300 electric "
    "buses and extend the light rail line to the airport by 2027. Opposition members criticised "
    "the plan, arguing that road repairs in the outer districts had been postponed for a third "
    "year in a row. The budget also includes funds for two new hospitals and a school for 1,200 "
    "pupils in the Yesil district, which has grown faster than any other part of the capital."
)

REWRITE = (
    "On Tuesday Astana's city council passed a budget that lifts public transport spending by "
    "twelve percent. According to mayor Zhenis Kassymbek, the funds will pay for 300 electric "
    "buses and for extending the light rail line to the airport by 2027. Members of the "
    "opposition attacked the plan, saying repairs of roads in the outer districts had been put "
    "off for the third year running. The budget further provides money for two new hospitals and "
    "a school for 1,200 pupils in the Yesil district, the fastest-growing part of the capital."
)

UNRELATED = (
    "A rare orchid was found in the mountains of northern Thailand by a team of botanists from "
    "Chiang Mai University. The flower, pale yellow with purple spots, grows only on limestone "
    "cliffs above 1,500 metres and had not been seen since a British expedition described it in "
    "1921. The researchers collected seeds for the national gene bank and asked the provincial "
    "government to protect the site from tourists, who have trampled several nearby meadows."
)
