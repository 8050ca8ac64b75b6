// Command quickstart calls Omega's gateway the way an integration would: who am I, what is the
// server, which alerts are there, then it streams alerts until it has -alerts of them or -timeout
// passes. Every flag has an environment variable; a failed call exits 1 naming it.
//
//	OP=$PWD/.omega/operator   # at the repo root, with omega up running
//	cd clients/go && go run ./examples/quickstart -address localhost:50051 \
//	  -ca $OP/ca.pem -cert $OP/operator.pem -key $OP/operator-key.pem
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/omega-mesh/omega/clients/go/omega"
	"github.com/omega-mesh/omega/clients/go/omegav1"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintf(os.Stderr, "quickstart: %v\n", err)
		os.Exit(1)
	}
}

func env(name, fallback string) string {
	if value, ok := os.LookupEnv(name); ok {
		return value
	}
	return fallback
}

func run(args []string, out io.Writer) error {
	flags := flag.NewFlagSet("quickstart", flag.ContinueOnError)
	address := flags.String("address", env("OMEGA_ADDRESS", "localhost:50051"), "gateway host:port ($OMEGA_ADDRESS)")
	caFile := flags.String("ca", env("OMEGA_CA", ""), "trust CA bundle, PEM ($OMEGA_CA)")
	certFile := flags.String("cert", env("OMEGA_CERT", ""), "client certificate, PEM ($OMEGA_CERT)")
	keyFile := flags.String("key", env("OMEGA_KEY", ""), "client key, PEM ($OMEGA_KEY)")
	token := flags.String("token", env("OMEGA_TOKEN", ""), "bearer token from CreateToken ($OMEGA_TOKEN)")
	alerts := flags.Int("alerts", 1, "stop streaming after this many alerts")
	since := flags.Duration("since", 0, "stream retained alerts raised this long ago, then new ones (0: only new ones)")
	timeout := flags.Duration("timeout", 10*time.Second, "stop streaming after this long")
	if err := flags.Parse(args); err != nil {
		return err
	}
	if *alerts < 1 {
		return fmt.Errorf("-alerts: expected a positive number, got %d", *alerts)
	}

	conn, err := omega.Dial(*address, omega.Options{CAFile: *caFile, CertFile: *certFile, KeyFile: *keyFile, Token: *token})
	if err != nil {
		return err
	}
	defer conn.Close()
	return quickstart(conn, out, *alerts, *since, *timeout)
}

func quickstart(conn *grpc.ClientConn, out io.Writer, alerts int, since, timeout time.Duration) error {
	gateway := omegav1.NewGatewayServiceClient(conn)
	intelligence := omegav1.NewIntelligenceServiceClient(conn)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	who, err := gateway.WhoAmI(ctx, &omegav1.WhoAmIRequest{})
	if err != nil {
		return fmt.Errorf("%s: WhoAmI: %w", conn.Target(), err)
	}
	fmt.Fprintf(out, "whoami: %s (%s)\n", who.GetPrincipal().GetId(), who.GetPrincipal().GetAuthMethod())

	info, err := gateway.GetServerInfo(ctx, &omegav1.GetServerInfoRequest{})
	if err != nil {
		return fmt.Errorf("GetServerInfo: %w", err)
	}
	fmt.Fprintf(out, "server: omega %s, cluster %s, trust domain %s\n", info.GetVersion(), info.GetCluster(), info.GetTrustDomain())
	for _, service := range info.GetServices() {
		fmt.Fprintf(out, "service: %s %s\n", service.GetName(), service.GetStatus())
	}

	listed, err := intelligence.ListAlerts(ctx, &omegav1.ListAlertsRequest{PageSize: 10})
	if err != nil {
		return fmt.Errorf("IntelligenceService.ListAlerts: %w", err)
	}
	fmt.Fprintf(out, "alerts: %d listed\n", len(listed.GetAlerts()))
	for _, alert := range listed.GetAlerts() {
		fmt.Fprintf(out, "alert: %s\n", describe(alert))
	}

	streamCtx, stopStream := context.WithTimeout(context.Background(), timeout)
	defer stopStream()
	request := &omegav1.StreamAlertsRequest{}
	if since > 0 {
		request.StartTimeNs = uint64(time.Now().Add(-since).UnixNano())
	}
	stream, err := intelligence.StreamAlerts(streamCtx, request)
	if err != nil {
		return fmt.Errorf("IntelligenceService.StreamAlerts: %w", err)
	}
	received := 0
	for received < alerts {
		message, err := stream.Recv()
		if status.Code(err) == codes.DeadlineExceeded || errors.Is(err, context.DeadlineExceeded) {
			fmt.Fprintf(out, "stream: %d alert(s) before the %s timeout\n", received, timeout)
			return nil
		}
		if err != nil {
			return fmt.Errorf("IntelligenceService.StreamAlerts: %w", err)
		}
		received++
		fmt.Fprintf(out, "streamed: %s\n", describe(message.GetAlert()))
	}
	fmt.Fprintf(out, "stream: %d alert(s)\n", received)
	return nil
}

func describe(alert *omegav1.Alert) string {
	return alert.GetId() + " " + alert.GetSeverity().String() + " " + alert.GetRuleId() + " " + strconv.Quote(alert.GetTitle())
}
