package waitlib

// Server stands for an RPC server outside the module (gRPC's *grpc.Server).
type Server struct{ services []any }

// RegisterTelemetryServer has the shape of gRPC's generated registration functions.
func RegisterTelemetryServer(s *Server, impl any) { s.services = append(s.services, impl) }
