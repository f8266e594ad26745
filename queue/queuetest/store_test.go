package queuetest_test

import (
	"testing"

	"motcua/queue"
	"motcua/queue/queuetest"
	"motcua/queue/storetest"
)

func TestStoreContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) queue.Store { return queuetest.NewStore() })
}
