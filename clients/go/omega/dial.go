// Package omega dials Omega's gateway: TLS 1.3 verified against the trust CA bundle, an operator or
// workload certificate for mutual TLS, and optionally a bearer token from GatewayService.CreateToken.
// The generated messages and stubs for every omega.v1 service are in package omegav1.
package omega

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
)

// Options says how to reach the gateway. CAFile is the trust CA bundle (PEM) the gateway's
// certificate is verified with; empty means the system roots. CertFile and KeyFile (PEM, both or
// neither) are the client certificate for mutual TLS, e.g. the operator's from `omega up`
// (<data-dir>/operator/operator.pem and operator-key.pem). Token is a bearer token sent as
// "authorization: Bearer <token>" on every call, over TLS only.
type Options struct {
	CAFile   string
	CertFile string
	KeyFile  string
	Token    string
}

// Dial returns a client connection to the gateway at address ("host:port"). The gateway's
// certificate must name the host dialled (on a local stack: localhost, 127.0.0.1 or ::1).
// Connecting is lazy: a refused handshake is reported by the first call.
func Dial(address string, opts Options, extra ...grpc.DialOption) (*grpc.ClientConn, error) {
	tlsConfig, err := TLSConfig(opts)
	if err != nil {
		return nil, err
	}
	dialOptions := []grpc.DialOption{grpc.WithTransportCredentials(credentials.NewTLS(tlsConfig))}
	if opts.Token != "" {
		dialOptions = append(dialOptions, grpc.WithPerRPCCredentials(BearerToken(opts.Token)))
	}
	conn, err := grpc.NewClient(address, append(dialOptions, extra...)...)
	if err != nil {
		return nil, fmt.Errorf("omega: dial %s: %w", address, err)
	}
	return conn, nil
}

// TLSConfig is the client side of the gateway's TLS: version 1.3 at least, the server verified
// against opts.CAFile (or the system roots), and opts' client certificate when one is given.
func TLSConfig(opts Options) (*tls.Config, error) {
	config := &tls.Config{MinVersion: tls.VersionTLS13}
	if opts.CAFile != "" {
		pem, err := os.ReadFile(opts.CAFile)
		if err != nil {
			return nil, fmt.Errorf("omega: CA bundle: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("omega: CA bundle %s: no PEM certificate in it", opts.CAFile)
		}
		config.RootCAs = pool
	}
	switch {
	case opts.CertFile != "" && opts.KeyFile != "":
		pair, err := tls.LoadX509KeyPair(opts.CertFile, opts.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("omega: client certificate %s with key %s: %w", opts.CertFile, opts.KeyFile, err)
		}
		config.Certificates = []tls.Certificate{pair}
	case opts.CertFile != "" || opts.KeyFile != "":
		return nil, errors.New("omega: a client certificate needs both CertFile and KeyFile")
	}
	return config, nil
}

// BearerToken is per-call credentials carrying "authorization: Bearer <token>". It requires
// transport security: gRPC refuses to send it on a plaintext connection.
type BearerToken string

// GetRequestMetadata implements credentials.PerRPCCredentials.
func (t BearerToken) GetRequestMetadata(context.Context, ...string) (map[string]string, error) {
	return map[string]string{"authorization": "Bearer " + string(t)}, nil
}

// RequireTransportSecurity implements credentials.PerRPCCredentials.
func (BearerToken) RequireTransportSecurity() bool { return true }
