// All streaming detectors behind one call: build them from one options object and feed each event to every one.
import type { Event } from '@omega/proto';
import { BeaconDetector, type BeaconConfig } from './beacon';
import { DeceptionTouchDetector, type DeceptionTouchConfig } from './deception-touch';
import type { Detector, DetectorFinding } from './detector';
import { DnsTunnelDetector, type DnsTunnelConfig } from './dns-tunnel';
import { NewEdgeDetector, type NewEdgeConfig } from './new-edge';
import { PortScanDetector, type PortScanConfig } from './port-scan';

export interface DetectorSetConfig {
  portScan?: Partial<PortScanConfig>;
  beacon?: Partial<BeaconConfig>;
  dnsTunnel?: Partial<DnsTunnelConfig>;
  newEdge?: Partial<NewEdgeConfig>;
  deceptionTouch?: Partial<DeceptionTouchConfig>;
}

export class DetectorSet {
  readonly detectors: readonly Detector[];

  constructor(config: DetectorSetConfig = {}) {
    this.detectors = [
      new PortScanDetector(config.portScan),
      new BeaconDetector(config.beacon),
      new DnsTunnelDetector(config.dnsTunnel),
      new NewEdgeDetector(config.newEdge),
      new DeceptionTouchDetector(config.deceptionTouch),
    ];
  }

  observe(event: Event): DetectorFinding[] {
    let findings: DetectorFinding[] | undefined;
    for (const detector of this.detectors) {
      const found = detector.observe(event);
      if (found.length > 0) (findings ??= []).push(...found);
    }
    return findings ?? NO_FINDINGS;
  }

  /** Entries held per detector id. */
  stateSizes(): Record<string, number> {
    return Object.fromEntries(this.detectors.map((d) => [d.id, d.stateSize()]));
  }
}

const NO_FINDINGS = Object.freeze([]) as unknown as DetectorFinding[];
