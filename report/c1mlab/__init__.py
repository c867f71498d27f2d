"""c1m-lab's controller-side logic, one owner per rule: the Ansible filters (ansible/filter_plugins/) and the
report generator (report/c1mreport/) both read these modules; neither keeps its own copy of a rule, a
parser or a verdict. The numbers themselves live in rules.properties, shared with the jars (rules.py).
Standard library only: the filters run inside Ansible's Python."""
