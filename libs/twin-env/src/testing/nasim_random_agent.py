"""Runs NASim's own uniform random agent on a benchmark scenario for seeded episodes and prints one
JSON line: {"steps": [...], "goals": n}. It is run_random_agent (nasim/agents/random_agent.py) with
the action cast to int, which NASim 0.12's flat action space asks for under NumPy 2, and with NumPy's
global generator seeded per episode (NASim draws exploit success from np.random).

Usage: python nasim_random_agent.py SCENARIO EPISODES FIRST_SEED
"""
import json
import sys

import nasim
import numpy as np


def episode(name: str, seed: int) -> tuple[int, bool]:
    np.random.seed(seed)
    env = nasim.make_benchmark(name, seed, False, True, True)
    env.action_space.seed(seed)
    env.reset(seed=seed)
    steps, done, truncated = 0, False, False
    while not done and not truncated:
        _, _, done, truncated, _ = env.step(int(env.action_space.sample()))
        steps += 1
    return steps, bool(done and env.goal_reached())


def main() -> None:
    name, episodes, first = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    results = [episode(name, first + i) for i in range(episodes)]
    print(json.dumps({"steps": [s for s, _ in results], "goals": sum(g for _, g in results)}))


if __name__ == "__main__":
    main()
