"""A Gymnasium environment for training defenders against the twin service's simulated attackers.

``TwinDefenderEnv(channel, scenario="lateral-to-secrets")`` plays episodes through TwinService's
ResetEnv/StepEnv/CloseEnv (the omega.v1 stubs generated into omega_client from the same proto the
service serves). Its spaces come from the EnvSpec the first ResetEnv returns: the observation is
the spec's fixed-length feature vector (``Box(0, 1, (feature_count,), float32)``), the action a
``Discrete`` index into the flat action layout below, with ``action_masks()`` saying which are
allowed now (the convention of sb3-contrib's MaskablePPO).

Action layout (the service's, see docs/twin-env.md): index 0 is NOOP; then, for each of ISOLATE,
RESTORE, DEPLOY_DECOY and ROTATE_SECRET, one index per node in ``EnvSpec.node_ids`` order; then
BLOCK_EDGE, one index per edge in the order of ResetEnv's ``info["edge_ids"]``.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional, Tuple

import grpc
import gymnasium as gym
import numpy as np
from gymnasium import spaces

from omega_client.omega.v1 import twin_pb2, twin_pb2_grpc

__all__ = ["TwinDefenderEnv", "action_layout"]

_NODE_KINDS = (
    twin_pb2.DEFENDER_ACTION_KIND_ISOLATE,
    twin_pb2.DEFENDER_ACTION_KIND_RESTORE,
    twin_pb2.DEFENDER_ACTION_KIND_DEPLOY_DECOY,
    twin_pb2.DEFENDER_ACTION_KIND_ROTATE_SECRET,
)


def action_layout(spec: twin_pb2.EnvSpec, edge_ids: List[str]) -> List[twin_pb2.DefenderAction]:
    """The DefenderAction at each flat index, rebuilt from the spec and the edge ids."""
    kinds = list(spec.action_kinds)
    if kinds[0] != twin_pb2.DEFENDER_ACTION_KIND_NOOP or tuple(kinds[1:5]) != _NODE_KINDS:
        raise ValueError(f"omega_twin_gym: unexpected action kinds {kinds}")
    out = [twin_pb2.DefenderAction(kind=twin_pb2.DEFENDER_ACTION_KIND_NOOP)]
    for kind in _NODE_KINDS:
        out += [twin_pb2.DefenderAction(kind=kind, target_node_id=n) for n in spec.node_ids]
    out += [
        twin_pb2.DefenderAction(kind=twin_pb2.DEFENDER_ACTION_KIND_BLOCK_EDGE, edge_id=e)
        for e in edge_ids
    ]
    return out


class TwinDefenderEnv(gym.Env):
    """One TwinService environment as a ``gymnasium.Env``.

    ``on_invalid_action``: what a masked action does. ``"noop"`` (default) plays NOOP instead and
    reports ``info["invalid_action"]`` (so agents that ignore masks still run); ``"raise"`` lets
    the service's INVALID_ARGUMENT, which names the action, through as ``grpc.RpcError``.
    """

    metadata = {"render_modes": []}

    def __init__(
        self,
        channel: grpc.Channel,
        scenario: str = "lateral-to-secrets",
        max_steps: int = 0,
        on_invalid_action: str = "noop",
        timeout_s: float = 30.0,
    ) -> None:
        if on_invalid_action not in ("noop", "raise"):
            raise ValueError(f"omega_twin_gym: on_invalid_action must be 'noop' or 'raise', got {on_invalid_action!r}")
        self._stub = twin_pb2_grpc.TwinServiceStub(channel)
        self._scenario = scenario
        self._max_steps = max_steps
        self._on_invalid = on_invalid_action
        self._timeout_s = timeout_s
        self._env_id = ""
        self._mask = np.zeros(0, dtype=bool)
        first = self._reset_remote(0)
        self.spec_proto: twin_pb2.EnvSpec = first.spec
        self.edge_ids: List[str] = json.loads(first.info.get("edge_ids", "[]"))
        self.actions = action_layout(first.spec, self.edge_ids)
        self.observation_space = spaces.Box(0.0, 1.0, shape=(first.spec.feature_count,), dtype=np.float32)
        self.action_space = spaces.Discrete(len(self.actions))

    def _reset_remote(self, seed: int) -> twin_pb2.ResetEnvResponse:
        response = self._stub.ResetEnv(
            twin_pb2.ResetEnvRequest(
                env_id=self._env_id, seed=seed, scenario=self._scenario, max_steps=self._max_steps
            ),
            timeout=self._timeout_s,
        )
        self._env_id = response.env_id
        self._mask = np.array(response.observation.action_mask, dtype=bool)
        return response

    @staticmethod
    def _features(observation: twin_pb2.EnvObservation) -> np.ndarray:
        return np.asarray(observation.features, dtype=np.float32)

    def reset(
        self, *, seed: Optional[int] = None, options: Optional[Dict[str, Any]] = None
    ) -> Tuple[np.ndarray, Dict[str, Any]]:
        super().reset(seed=seed)
        # The episode's seed comes from the env's own generator, which reset(seed=...) seeds.
        episode_seed = int(self.np_random.integers(0, 2**63 - 1))
        response = self._reset_remote(episode_seed)
        return self._features(response.observation), {**dict(response.info), "action_mask": self._mask.copy()}

    def step(self, action: Any) -> Tuple[np.ndarray, float, bool, bool, Dict[str, Any]]:
        index = int(action)
        if not self.action_space.contains(index):
            raise ValueError(f"omega_twin_gym: action {index} is outside 0..{self.action_space.n - 1}")
        info: Dict[str, Any] = {}
        if not self._mask[index] and self._on_invalid == "noop":
            info["invalid_action"] = index
            index = 0
        response = self._stub.StepEnv(
            twin_pb2.StepEnvRequest(env_id=self._env_id, action=self.actions[index]),
            timeout=self._timeout_s,
        )
        self._mask = np.array(response.observation.action_mask, dtype=bool)
        info.update(dict(response.info))
        info["action_mask"] = self._mask.copy()
        return (
            self._features(response.observation),
            float(response.reward),
            bool(response.terminated),
            bool(response.truncated),
            info,
        )

    def action_masks(self) -> np.ndarray:
        """Which actions are allowed now (MaskablePPO calls this)."""
        return self._mask.copy()

    def close(self) -> None:
        if self._env_id:
            try:
                self._stub.CloseEnv(twin_pb2.CloseEnvRequest(env_id=self._env_id), timeout=self._timeout_s)
            except grpc.RpcError as err:
                if err.code() != grpc.StatusCode.NOT_FOUND:  # already evicted: nothing left to free
                    raise
            self._env_id = ""
        super().close()
