"""Trains a defender with REINFORCE (a linear softmax policy over the environment's features,
masked to the allowed actions; NumPy only) against a twin service, and compares it with a uniform
random defender over the same seeds.

  PYTHONPATH=clients/python python clients/python/omega_twin_gym/examples/train_defender.py \\
      --address localhost:50061 --scenario lateral-to-secrets --episodes 200

For real training, any Gymnasium agent works on TwinDefenderEnv; with masks, e.g. sb3-contrib's
MaskablePPO (it calls env.action_masks()).
"""
import argparse
import json

import grpc
import numpy as np

from omega_twin_gym import TwinDefenderEnv


def masked_softmax(logits: np.ndarray, mask: np.ndarray) -> np.ndarray:
    z = np.where(mask, logits, -np.inf)
    z = np.exp(z - z[mask].max())
    return z / z.sum()


def run(env: TwinDefenderEnv, seed: int, weights=None, rng=None, trajectory=None) -> float:
    """One episode; samples from the policy when weights are given, else uniformly."""
    obs, _ = env.reset(seed=seed)
    total, done = 0.0, False
    while not done:
        mask = env.action_masks()
        if weights is None:
            action = int(rng.choice(np.flatnonzero(mask)))
        else:
            probs = masked_softmax(obs @ weights, mask)
            action = int(rng.choice(len(probs), p=probs))
            if trajectory is not None:
                trajectory.append((obs, action, probs))
        obs, reward, terminated, truncated, _ = env.step(action)
        if trajectory is not None and weights is not None:
            trajectory[-1] = trajectory[-1] + (reward,)
        total += reward
        done = terminated or truncated
    return total


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--address", required=True)
    parser.add_argument("--scenario", default="lateral-to-secrets")
    parser.add_argument("--episodes", type=int, default=200)
    parser.add_argument("--eval-episodes", type=int, default=30)
    parser.add_argument("--learning-rate", type=float, default=0.01)
    args = parser.parse_args()

    env = TwinDefenderEnv(grpc.insecure_channel(args.address), scenario=args.scenario)
    rng = np.random.default_rng(0)
    weights = np.zeros((env.observation_space.shape[0], env.action_space.n))
    baseline = 0.0
    for episode in range(args.episodes):
        trajectory: list = []
        run(env, 1000 + episode, weights, rng, trajectory)
        returns = np.cumsum([step[3] for step in trajectory][::-1])[::-1]
        baseline = 0.9 * baseline + 0.1 * returns[0]
        for (obs, action, probs, _), ret in zip(trajectory, returns):
            grad = -np.outer(obs, probs)
            grad[:, action] += obs
            weights += args.learning_rate * (ret - baseline) * grad / len(trajectory)
    seeds = range(args.eval_episodes)
    trained = [run(env, s, weights, np.random.default_rng(s)) for s in seeds]
    uniform = [run(env, s, None, np.random.default_rng(s)) for s in seeds]
    env.close()
    print(json.dumps({
        "trained_mean_reward": float(np.mean(trained)),
        "random_mean_reward": float(np.mean(uniform)),
        "episodes": args.episodes,
    }))


if __name__ == "__main__":
    main()
