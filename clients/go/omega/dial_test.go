// Dial's options: what is refused before any connection, and what a bearer token sends.
package omega

import (
	"context"
	"crypto/tls"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestTLSConfigRefusesACertificateWithoutItsKey(t *testing.T) {
	_, err := TLSConfig(Options{CertFile: "operator.pem"})
	if err == nil || !strings.Contains(err.Error(), "needs both CertFile and KeyFile") {
		t.Fatalf("got %v, want the missing key named", err)
	}
}

func TestTLSConfigRefusesABundleWithoutCertificates(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(path, []byte("not a certificate\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := TLSConfig(Options{CAFile: path})
	if err == nil || !strings.Contains(err.Error(), "no PEM certificate in it") {
		t.Fatalf("got %v, want the bundle named as empty", err)
	}
}

func TestTLSConfigAsksForTLS13(t *testing.T) {
	config, err := TLSConfig(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if config.MinVersion != tls.VersionTLS13 {
		t.Fatalf("MinVersion %x, want TLS 1.3", config.MinVersion)
	}
}

func TestBearerTokenIsSentAsAuthorizationOverTLSOnly(t *testing.T) {
	token := BearerToken("s3cret")
	metadata, err := token.GetRequestMetadata(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if metadata["authorization"] != "Bearer s3cret" {
		t.Fatalf("authorization %q", metadata["authorization"])
	}
	if !token.RequireTransportSecurity() {
		t.Fatal("a bearer token must require transport security")
	}
}
