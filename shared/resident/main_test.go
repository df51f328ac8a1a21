package resident_test

import (
	"testing"

	"github.com/kartamieszkanca/platform/infra/local/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }
