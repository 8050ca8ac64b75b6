"""Runs NASim's own uniform random agent (run_random_agent, nasim/agents/random_agent.py) on a
benchmark scenario for seeded episodes and prints one JSON line: {"steps": [...], "goals": n}.
Two adjustments, neither changing what it does: the sampled action is cast to int (NASim 0.12's
flat action space asserts an int, and under NumPy 2 Discrete.sample returns np.int64), and NumPy's
global generator is seeded per episode (NASim draws exploit success from np.random).

Usage: python nasim_random_agent.py SCENARIO EPISODES FIRST_SEED
"""
import json
import sys

import nasim
import numpy as np
from nasim.agents.random_agent import run_random_agent


def episode(name: str, seed: int) -> tuple[int, bool]:
    np.random.seed(seed)
    env = nasim.make_benchmark(name, seed, False, True, True)
    env.action_space.seed(seed)
    sample = env.action_space.sample
    env.action_space.sample = lambda mask=None: int(sample(mask))
    steps, _, goal = run_random_agent(env, verbose=False)
    return steps, bool(goal)


def main() -> None:
    name, episodes, first = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    results = [episode(name, first + i) for i in range(episodes)]
    print(json.dumps({"steps": [s for s, _ in results], "goals": sum(g for _, g in results)}))


if __name__ == "__main__":
    main()
