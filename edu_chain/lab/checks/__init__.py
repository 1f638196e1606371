"""The exercises' cases, notebook by notebook: fixed, edge and seeded random cases.

Each module holds the exercises of a few notebooks as a dict name -> Exercise;
:data:`ALL` joins them in notebook order. ``edu_chain.lab.exercises.EXERCISES`` is the
public registry built from it.
"""

from . import apps, basics, bitcoin, chains, nb16_keys_from_the_curve_up, trees

ALL = {
    **basics.EXERCISES,
    **chains.EXERCISES,
    **trees.EXERCISES,
    **apps.EXERCISES,
    **bitcoin.EXERCISES,
    **nb16_keys_from_the_curve_up.EXERCISES,
}
